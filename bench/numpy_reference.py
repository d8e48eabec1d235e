#!/usr/bin/env python3
"""The spiral lab's training recipe in NumPy float32 (and optionally PyTorch), for timing only.

Recipe (the same as org.diffusionlab.train.Trainer / fast.FastTrainer): 1500 spiral points,
T = 100 linear betas 1e-4..5e-3, MLP 3-128-128-2 (ReLU, weights N(0, 0.02^2), biases 0),
full batch, loss MSE(eps_hat, eps) with gradient 2*(eps_hat - eps)/n, heavy-ball momentum
v <- m*v - lr*g, w <- w + v with lr 2e-3 and m 0.999.

Prints one JSON line: {"backend", "steps", "seconds", "ms_per_step", "process_cpu_seconds", "peak_rss_mb", "kernel",
"threads", "final_smoothed_loss"}. Only the training loop is timed.
"""
import argparse
import json
import resource
import time


def openblas_info(np):
    """(core name, threads) of the OpenBLAS that numpy loaded, or ("unknown", None)."""
    try:
        from threadpoolctl import threadpool_info
        for info in threadpool_info():
            if info.get("internal_api") == "openblas":
                return info.get("architecture", "unknown"), info.get("num_threads")
    except ImportError:
        pass
    import ctypes, glob, os
    libs = glob.glob(os.path.join(os.path.dirname(np.__file__), "..", "numpy.libs", "*openblas*"))
    for path in libs:
        lib = ctypes.CDLL(path)
        for corename, nthreads in (("scipy_openblas_get_corename64_", "scipy_openblas_get_num_threads64_"),
                                   ("openblas_get_corename", "openblas_get_num_threads")):
            if hasattr(lib, corename):
                getattr(lib, corename).restype = ctypes.c_char_p
                return getattr(lib, corename)().decode(), getattr(lib, nthreads)()
    return "unknown", None


def spiral(rng, n, jitter, np):
    theta = rng.uniform(0, 4 * np.pi, size=n)
    r = theta / (4 * np.pi)
    pts = np.stack([r * np.cos(theta), r * np.sin(theta)], axis=1)
    pts = pts + rng.normal(0, jitter, size=pts.shape)
    pts = pts.astype(np.float32)
    return (pts - pts.mean(axis=0)) / (pts.std(axis=0) + 1e-7)


def train_numpy(args):
    import numpy as np
    rng = np.random.default_rng(args.seed)
    x0 = spiral(rng, args.n, 0.02, np)
    betas = np.linspace(1e-4, 5e-3, args.T, dtype=np.float32)
    abar = np.cumprod(1 - betas)
    sig, noi = np.sqrt(abar), np.sqrt(1 - abar)
    H = args.hidden
    params = {"W1": rng.normal(0, 0.02, (3, H)), "b1": np.zeros(H),
              "W2": rng.normal(0, 0.02, (H, H)), "b2": np.zeros(H),
              "W3": rng.normal(0, 0.02, (H, 2)), "b3": np.zeros(2)}
    params = {k: v.astype(np.float32) for k, v in params.items()}
    vel = {k: np.zeros_like(v) for k, v in params.items()}
    lr, m = np.float32(args.lr), np.float32(args.momentum)
    n = x0.shape[0]
    running = None
    start, cpu_start = time.perf_counter(), time.process_time()
    for step in range(args.steps):
        t = rng.integers(1, args.T + 1, size=n)
        eps = rng.normal(0, 1, size=x0.shape).astype(np.float32)
        xt = sig[t - 1, None] * x0 + noi[t - 1, None] * eps
        x = np.concatenate([xt, (t / args.T).astype(np.float32)[:, None]], axis=1)
        z1 = x @ params["W1"] + params["b1"]
        h1 = np.maximum(z1, 0)
        z2 = h1 @ params["W2"] + params["b2"]
        h2 = np.maximum(z2, 0)
        out = h2 @ params["W3"] + params["b3"]
        diff = out - eps
        loss = float(np.mean(diff ** 2))
        g = 2 * diff / n
        dz2 = (g @ params["W3"].T) * (z2 > 0)
        dz1 = (dz2 @ params["W2"].T) * (z1 > 0)
        grads = {"W3": h2.T @ g, "b3": g.sum(axis=0), "W2": h1.T @ dz2, "b2": dz2.sum(axis=0),
                 "W1": x.T @ dz1, "b1": dz1.sum(axis=0)}
        for k, gk in grads.items():
            vel[k] = m * vel[k] - lr * gk
            params[k] += vel[k]
        running = loss if running is None else 0.999 * running + 0.001 * loss
    return time.perf_counter() - start, time.process_time() - cpu_start, running, np


def train_torch(args):
    import torch
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    gen = torch.Generator().manual_seed(args.seed)
    theta = torch.rand(args.n, generator=gen) * 4 * torch.pi
    r = theta / (4 * torch.pi)
    pts = torch.stack([r * torch.cos(theta), r * torch.sin(theta)], 1) + 0.02 * torch.randn(args.n, 2, generator=gen)
    x0 = (pts - pts.mean(0)) / (pts.std(0, unbiased=False) + 1e-7)
    betas = torch.linspace(1e-4, 5e-3, args.T)
    abar = torch.cumprod(1 - betas, 0)
    sig, noi = abar.sqrt(), (1 - abar).sqrt()
    H = args.hidden
    net = torch.nn.Sequential(torch.nn.Linear(3, H), torch.nn.ReLU(), torch.nn.Linear(H, H), torch.nn.ReLU(),
                              torch.nn.Linear(H, 2))
    with torch.no_grad():
        for p in net.parameters():
            p.normal_(0, 0.02, generator=gen) if p.dim() == 2 else p.zero_()
    # torch's SGD momentum is v <- m*v + g, w <- w - lr*v: the same trajectory as v <- m*v - lr*g for fixed lr.
    opt = torch.optim.SGD(net.parameters(), lr=args.lr, momentum=args.momentum)
    n = x0.shape[0]
    running = None
    start, cpu_start = time.perf_counter(), time.process_time()
    for step in range(args.steps):
        t = torch.randint(1, args.T + 1, (n,), generator=gen)
        eps = torch.randn(n, 2, generator=gen)
        xt = sig[t - 1, None] * x0 + noi[t - 1, None] * eps
        out = net(torch.cat([xt, (t.float() / args.T)[:, None]], 1))
        loss = ((out - eps) ** 2).mean()
        opt.zero_grad(set_to_none=True)
        (loss * 2).backward()  # the lab's gradient 2*diff/n is d times d(mean)/d(out), here d = 2
        opt.step()
        running = loss.item() if running is None else 0.999 * running + 0.001 * loss.item()
    return time.perf_counter() - start, time.process_time() - cpu_start, running, torch


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--backend", choices=["numpy", "torch"], default="numpy")
    p.add_argument("--steps", type=int, default=8000)
    p.add_argument("--n", type=int, default=1500)
    p.add_argument("--T", type=int, default=100)
    p.add_argument("--hidden", type=int, default=128)
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--momentum", type=float, default=0.999)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--threads", type=int, default=2, help="torch intra-op threads (numpy: set OPENBLAS_NUM_THREADS)")
    args = p.parse_args()
    if args.backend == "numpy":
        seconds, cpu, running, np = train_numpy(args)
        kernel, threads = openblas_info(np)
    else:
        seconds, cpu, running, torch = train_torch(args)
        kernel, threads = torch.backends.cpu.get_cpu_capability() if hasattr(torch.backends, "cpu") else "unknown", torch.get_num_threads()
    rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux
    print(json.dumps({"backend": args.backend, "steps": args.steps, "seconds": seconds,
                      "ms_per_step": 1000 * seconds / args.steps, "process_cpu_seconds": cpu, "peak_rss_mb": rss_kb / 1024,
                      "kernel": kernel, "threads": threads, "final_smoothed_loss": running}))


if __name__ == "__main__":
    main()
