#!/usr/bin/env python3
"""One training step of the default digits U-Net in PyTorch or in NumPy (im2col), for timing only.

The same architecture, batch and optimizer as the Java main job (org.diffusionlab.model.image.UNet
with Config.digits(10, 100), ImageTrainConfig.digits(); the parameter count, 123601, is printed
and equals Java's): 8x8 grey images, in-conv 3x3 1->16; ResBlock 16->16, stride-2 conv (8->4);
ResBlock 16->32, stride-2 conv (4->2); mid ResBlock 32->32; per level up: nearest x2 + conv 3x3,
concat the skip, ResBlock (64->32, 48->16); GroupNorm(8), SiLU, conv 3x3 16->1. ResBlock:
h = SiLU(GN(conv1 x)) + Linear(e), y = SiLU(GN(conv2 h)) + skip(x) (1x1 conv when the widths
differ). e = SiLU(fc2(SiLU(fc1(sin/cos_32(t)))) + label table[y]), D = 64, 11 labels (10 + none).
Step: batch 64 of random images, t uniform in 1..100 (cosine schedule), eps ~ N(0, I), labels
dropped 10 %; MSE; backward; clip the global norm at 1; AdamW (2e-3, betas 0.9/0.999, eps 1e-8,
weight decay 1e-4); EMA 0.999 of the weights. Float32 throughout. The data are random images
(timing does not depend on them).

The NumPy version writes every backward pass by hand; convolutions are im2col + one matrix
product per layer (OpenBLAS). `--check` compares its gradients with PyTorch's autograd on the
same weights and batch (needs torch).

Prints one JSON line: {"backend", "steps", "warmup", "batch", "ms_per_step" (median of the timed
steps), "ms_per_step_min", "seconds", "process_cpu_seconds", "parameters", "kernel", "threads"}.
"""
import argparse
import json
import math
import time

import numpy as np

B, T, K_TIME, D, CLASSES, GROUPS = 64, 100, 32, 64, 10, 8
LR, BETAS, ADAM_EPS, WD, CLIP, EMA = 2e-3, (0.9, 0.999), 1e-8, 1e-4, 1.0, 0.999


def cosine_abar():
    """sqrt(abar_t), sqrt(1 - abar_t) for t = 1..T of the cosine schedule (Nichol & Dhariwal), float32."""
    s = 0.008
    f = [math.cos((k / T + s) / (1 + s) * math.pi / 2) ** 2 for k in range(T + 1)]
    abar = np.array([min(f[k] / f[0], 1.0) for k in range(1, T + 1)], dtype=np.float32)
    return np.sqrt(abar), np.sqrt(1 - abar)


def sinusoid(t):
    h = K_TIME // 2
    w = 10000.0 ** (-np.arange(h) / h)
    a = t[:, None] * w[None, :]
    return np.concatenate([np.sin(a), np.cos(a)], 1).astype(np.float32)


def batch(rng):
    sig, noi = cosine_abar()
    x0 = rng.uniform(-1, 1, (B, 1, 8, 8)).astype(np.float32)
    t = rng.integers(1, T + 1, B)
    eps = rng.standard_normal((B, 1, 8, 8), dtype=np.float32)
    xt = sig[t - 1, None, None, None] * x0 + noi[t - 1, None, None, None] * eps
    labels = np.where(rng.uniform(size=B) < 0.1, CLASSES, rng.integers(0, CLASSES, B))
    return xt.astype(np.float32), t, labels, eps


# ---------------------------------------------------------------- NumPy, backward by hand

class Net:
    """Parameters in a dict named as PyTorch's state_dict of TorchNet; layers as methods with caches."""

    def __init__(self, rng):
        self.p = {}
        self.fan_in = {}  # convolutions and linear layers
        self.conv("inc", 1, 16, 3)
        self.linear("time1", K_TIME, D)
        self.linear("time2", D, D)
        self.p["label.weight"] = rng.standard_normal((CLASSES + 1, D)).astype(np.float32)
        self.res("enc0", 16, 16)
        self.conv("down0", 16, 16, 3)
        self.res("enc1", 16, 32)
        self.conv("down1", 32, 32, 3)
        self.res("mid", 32, 32)
        self.conv("up1", 32, 32, 3)
        self.res("dec1", 64, 32)
        self.conv("up0", 32, 32, 3)
        self.res("dec0", 48, 16)
        self.norm("outn", 16)
        self.conv("outc", 16, 1, 3)
        for n, fan_in in self.fan_in.items():  # PyTorch's default: uniform in +-1/sqrt(fan_in)
            for part in (".weight", ".bias"):
                self.p[n + part][...] = rng.uniform(-1, 1, self.p[n + part].shape) / math.sqrt(fan_in)

    def conv(self, n, cin, cout, k):
        self.p[n + ".weight"] = np.zeros((cout, cin, k, k), np.float32)
        self.p[n + ".bias"] = np.zeros(cout, np.float32)
        self.fan_in[n] = cin * k * k

    def linear(self, n, fin, fout):
        self.p[n + ".weight"] = np.zeros((fout, fin), np.float32)
        self.p[n + ".bias"] = np.zeros(fout, np.float32)
        self.fan_in[n] = fin

    def norm(self, n, c):
        self.p[n + ".weight"] = np.ones(c, np.float32)
        self.p[n + ".bias"] = np.zeros(c, np.float32)

    def res(self, n, cin, cout):
        self.conv(n + ".conv1", cin, cout, 3)
        self.norm(n + ".norm1", cout)
        self.linear(n + ".shift", D, cout)
        self.conv(n + ".conv2", cout, cout, 3)
        self.norm(n + ".norm2", cout)
        if cin != cout:
            self.conv(n + ".skip", cin, cout, 1)

    # layers: forward returns (y, cache); backward(cache, dy) adds parameter gradients to self.g
    def conv_f(self, n, x, stride=1):
        w = self.p[n + ".weight"]
        cout, cin, k, _ = w.shape
        pad = k // 2
        N, _, H, W = x.shape
        ho, wo = (H + 2 * pad - k) // stride + 1, (W + 2 * pad - k) // stride + 1
        xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad))) if pad else x
        cols = np.empty((cin, k, k, N, ho, wo), np.float32)
        for a in range(k):
            for b in range(k):
                cols[:, a, b] = xp[:, :, a:a + stride * ho:stride, b:b + stride * wo:stride].transpose(1, 0, 2, 3)
        cols = cols.reshape(cin * k * k, N * ho * wo)
        y = w.reshape(cout, -1) @ cols + self.p[n + ".bias"][:, None]
        return np.ascontiguousarray(y.reshape(cout, N, ho, wo).transpose(1, 0, 2, 3)), (n, x.shape, cols, stride, ho, wo)

    def conv_b(self, cache, dy):
        n, shape, cols, stride, ho, wo = cache
        w = self.p[n + ".weight"]
        cout, cin, k, _ = w.shape
        pad = k // 2
        N, _, H, W = shape
        d2 = dy.transpose(1, 0, 2, 3).reshape(cout, -1)
        self.g[n + ".weight"] += (d2 @ cols.T).reshape(w.shape)
        self.g[n + ".bias"] += d2.sum(1)
        dcols = (w.reshape(cout, -1).T @ d2).reshape(cin, k, k, N, ho, wo)
        dxp = np.zeros((N, cin, H + 2 * pad, W + 2 * pad), np.float32)
        for a in range(k):
            for b in range(k):
                dxp[:, :, a:a + stride * ho:stride, b:b + stride * wo:stride] += dcols[:, a, b].transpose(1, 0, 2, 3)
        return dxp[:, :, pad:pad + H, pad:pad + W] if pad else dxp

    def linear_f(self, n, x):
        return x @ self.p[n + ".weight"].T + self.p[n + ".bias"], (n, x)

    def linear_b(self, cache, dy):
        n, x = cache
        self.g[n + ".weight"] += dy.T @ x
        self.g[n + ".bias"] += dy.sum(0)
        return dy @ self.p[n + ".weight"]

    @staticmethod
    def silu_f(x):
        s = 1 / (1 + np.exp(-x))
        return x * s, (x, s)

    @staticmethod
    def silu_b(cache, dy):
        x, s = cache
        return dy * s * (1 + x * (1 - s))

    def norm_f(self, n, x):
        N, C, H, W = x.shape
        xg = x.reshape(N, GROUPS, -1)
        mu = xg.mean(2, keepdims=True)
        inv = 1 / np.sqrt(xg.var(2, keepdims=True) + 1e-5)
        xhat = ((xg - mu) * inv).reshape(x.shape)
        return xhat * self.p[n + ".weight"][None, :, None, None] + self.p[n + ".bias"][None, :, None, None], (n, xhat, inv)

    def norm_b(self, cache, dy):
        n, xhat, inv = cache
        N, C, H, W = dy.shape
        self.g[n + ".weight"] += (dy * xhat).sum((0, 2, 3))
        self.g[n + ".bias"] += dy.sum((0, 2, 3))
        g = (dy * self.p[n + ".weight"][None, :, None, None]).reshape(N, GROUPS, -1)
        xh = xhat.reshape(N, GROUPS, -1)
        dx = (g - g.mean(2, keepdims=True) - xh * (g * xh).mean(2, keepdims=True)) * inv
        return dx.reshape(dy.shape)

    def res_f(self, n, x, e):
        c1, k1 = self.conv_f(n + ".conv1", x)
        n1, kn1 = self.norm_f(n + ".norm1", c1)
        a1, ka1 = self.silu_f(n1)
        s, ks = self.linear_f(n + ".shift", e)
        h = a1 + s[:, :, None, None]
        c2, k2 = self.conv_f(n + ".conv2", h)
        n2, kn2 = self.norm_f(n + ".norm2", c2)
        a2, ka2 = self.silu_f(n2)
        if n + ".skip.weight" in self.p:
            r, kr = self.conv_f(n + ".skip", x)
        else:
            r, kr = x, None
        return a2 + r, (k1, kn1, ka1, ks, k2, kn2, ka2, kr)

    def res_b(self, cache, dy, de):
        k1, kn1, ka1, ks, k2, kn2, ka2, kr = cache
        dh = self.conv_b(k2, self.norm_b(kn2, self.silu_b(ka2, dy)))
        de += self.linear_b(ks, dh.sum((2, 3)))
        dx = self.conv_b(k1, self.norm_b(kn1, self.silu_b(ka1, dh)))
        return dx + (self.conv_b(kr, dy) if kr is not None else dy)

    def loss_and_gradients(self, xt, t, labels, eps):
        self.g = {k: np.zeros_like(v) for k, v in self.p.items()}
        f1, kf1 = self.linear_f("time1", sinusoid(t))
        s1, ks1 = self.silu_f(f1)
        f2, kf2 = self.linear_f("time2", s1)
        e, ke = self.silu_f(f2 + self.p["label.weight"][labels])
        h, kin = self.conv_f("inc", xt)
        h0, ke0 = self.res_f("enc0", h, e)
        d0, kd0 = self.conv_f("down0", h0, 2)
        h1, ke1 = self.res_f("enc1", d0, e)
        d1, kd1 = self.conv_f("down1", h1, 2)
        m, km = self.res_f("mid", d1, e)
        u1, ku1 = self.conv_f("up1", m.repeat(2, 2).repeat(2, 3))
        r1, kr1 = self.res_f("dec1", np.concatenate([u1, h1], 1), e)
        u0, ku0 = self.conv_f("up0", r1.repeat(2, 2).repeat(2, 3))
        r0, kr0 = self.res_f("dec0", np.concatenate([u0, h0], 1), e)
        o, kon = self.norm_f("outn", r0)
        a, ka = self.silu_f(o)
        out, koc = self.conv_f("outc", a)
        diff = out - eps
        loss = float((diff * diff).mean())
        # backward
        de = np.zeros_like(e)
        d = self.norm_b(kon, self.silu_b(ka, self.conv_b(koc, 2 * diff / diff.size)))
        d = self.res_b(kr0, d, de)
        du0, dh0 = d[:, :32], d[:, 32:]
        d = self.conv_b(ku0, du0)
        d = d.reshape(B, 32, 4, 2, 4, 2).sum((3, 5))
        d = self.res_b(kr1, d, de)
        du1, dh1 = d[:, :32], d[:, 32:]
        d = self.conv_b(ku1, du1).reshape(B, 32, 2, 2, 2, 2).sum((3, 5))
        d = self.res_b(km, d, de)
        d = self.conv_b(kd1, d) + dh1
        d = self.res_b(ke1, d, de)
        d = self.conv_b(kd0, d) + dh0
        d = self.res_b(ke0, d, de)
        self.conv_b(kin, d)
        dpre = self.silu_b(ke, de)
        np.add.at(self.g["label.weight"], labels, dpre)
        self.linear_b(kf1, self.silu_b(ks1, self.linear_b(kf2, dpre)))
        return loss


def numpy_steps(args):
    rng = np.random.default_rng(args.seed)
    net = Net(rng)
    m = {k: np.zeros_like(v) for k, v in net.p.items()}
    v = {k: np.zeros_like(x) for k, x in net.p.items()}
    ema = {k: x.copy() for k, x in net.p.items()}
    b1, b2 = BETAS

    def step(k):
        net.loss_and_gradients(*batch(rng))
        norm = math.sqrt(sum(float((g * g).sum()) for g in net.g.values()))
        scale = min(1.0, CLIP / (norm + 1e-6))
        lr = LR * 0.5 * (1 + math.cos(math.pi * k / (args.warmup + args.steps)))
        for n, p in net.p.items():
            g = net.g[n] * np.float32(scale)
            m[n] = b1 * m[n] + (1 - b1) * g
            v[n] = b2 * v[n] + (1 - b2) * g * g
            p *= np.float32(1 - lr * WD)
            p -= np.float32(lr / (1 - b1 ** k)) * m[n] / (np.sqrt(v[n] / np.float32(1 - b2 ** k)) + np.float32(ADAM_EPS))
            ema[n] = EMA * ema[n] + (1 - EMA) * p
    return step, sum(x.size for x in net.p.values()), net


# ---------------------------------------------------------------- PyTorch

def torch_net():
    import torch
    from torch import nn

    class Res(nn.Module):
        def __init__(self, cin, cout):
            super().__init__()
            self.conv1, self.norm1 = nn.Conv2d(cin, cout, 3, padding=1), nn.GroupNorm(GROUPS, cout)
            self.shift = nn.Linear(D, cout)
            self.conv2, self.norm2 = nn.Conv2d(cout, cout, 3, padding=1), nn.GroupNorm(GROUPS, cout)
            self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else None

        def forward(self, x, e):
            h = nn.functional.silu(self.norm1(self.conv1(x))) + self.shift(e)[:, :, None, None]
            y = nn.functional.silu(self.norm2(self.conv2(h)))
            return y + (self.skip(x) if self.skip is not None else x)

    class TorchNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.inc = nn.Conv2d(1, 16, 3, padding=1)
            self.time1, self.time2 = nn.Linear(K_TIME, D), nn.Linear(D, D)
            self.label = nn.Embedding(CLASSES + 1, D)
            self.enc0, self.down0 = Res(16, 16), nn.Conv2d(16, 16, 3, stride=2, padding=1)
            self.enc1, self.down1 = Res(16, 32), nn.Conv2d(32, 32, 3, stride=2, padding=1)
            self.mid = Res(32, 32)
            self.up1, self.dec1 = nn.Conv2d(32, 32, 3, padding=1), Res(64, 32)
            self.up0, self.dec0 = nn.Conv2d(32, 32, 3, padding=1), Res(48, 16)
            self.outn, self.outc = nn.GroupNorm(GROUPS, 16), nn.Conv2d(16, 1, 3, padding=1)

        def forward(self, x, sin_t, labels):
            silu, up = nn.functional.silu, lambda z: nn.functional.interpolate(z, scale_factor=2, mode="nearest")
            e = silu(self.time2(silu(self.time1(sin_t))) + self.label(labels))
            h0 = self.enc0(self.inc(x), e)
            h1 = self.enc1(self.down0(h0), e)
            m = self.mid(self.down1(h1), e)
            r1 = self.dec1(torch.cat([self.up1(up(m)), h1], 1), e)
            r0 = self.dec0(torch.cat([self.up0(up(r1)), h0], 1), e)
            return self.outc(silu(self.outn(r0)))

    return TorchNet()


def torch_steps(args):
    import torch
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    net = torch_net()
    opt = torch.optim.AdamW(net.parameters(), lr=LR, betas=BETAS, eps=ADAM_EPS, weight_decay=WD)
    ema = [p.detach().clone() for p in net.parameters()]
    total = args.warmup + args.steps

    def step(k):
        xt, t, labels, eps = batch(rng)
        out = net(torch.from_numpy(xt), torch.from_numpy(sinusoid(t)), torch.from_numpy(labels))
        loss = ((out - torch.from_numpy(eps)) ** 2).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), CLIP)
        for g in opt.param_groups:
            g["lr"] = LR * 0.5 * (1 + math.cos(math.pi * k / total))
        opt.step()
        with torch.no_grad():
            torch._foreach_lerp_(ema, list(net.parameters()), 1 - EMA)
    return step, sum(p.numel() for p in net.parameters()), net


def check():
    """NumPy's hand-written gradients against PyTorch's autograd, same weights and batch."""
    import torch
    rng = np.random.default_rng(7)
    net = Net(rng)
    tnet = torch_net()
    tnet.load_state_dict({k: torch.from_numpy(v.copy()) for k, v in net.p.items()}, strict=True)
    xt, t, labels, eps = batch(rng)
    loss = net.loss_and_gradients(xt, t, labels, eps)
    out = tnet(torch.from_numpy(xt), torch.from_numpy(sinusoid(t)), torch.from_numpy(labels))
    tloss = ((out - torch.from_numpy(eps)) ** 2).mean()
    tloss.backward()
    worst = 0.0
    for n, p in tnet.named_parameters():
        a, b = net.g[n], p.grad.numpy()
        worst = max(worst, float(np.abs(a - b).max() / (np.abs(b).max() + 1e-12)))
    print(json.dumps({"loss_numpy": loss, "loss_torch": float(tloss.detach()), "worst_relative_gradient_difference": worst}))
    return 0 if abs(loss - float(tloss.detach())) < 1e-4 * abs(loss) and worst < 1e-3 else 1


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--backend", choices=["numpy", "torch"], default="numpy")
    p.add_argument("--steps", type=int, default=60, help="timed steps")
    p.add_argument("--warmup", type=int, default=10, help="untimed steps first")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--threads", type=int, default=2, help="torch intra-op threads (numpy: set OPENBLAS_NUM_THREADS)")
    p.add_argument("--check", action="store_true", help="compare NumPy's gradients with PyTorch autograd and exit")
    args = p.parse_args()
    if args.check:
        raise SystemExit(check())
    step, count, _ = (numpy_steps if args.backend == "numpy" else torch_steps)(args)
    for k in range(1, args.warmup + 1):
        step(k)
    ms = []
    start, cpu_start = time.perf_counter(), time.process_time()
    for k in range(args.warmup + 1, args.warmup + args.steps + 1):
        t0 = time.perf_counter()
        step(k)
        ms.append(1000 * (time.perf_counter() - t0))
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    if args.backend == "numpy":
        from numpy_reference import openblas_info
        kernel, threads = openblas_info(np)
    else:
        import torch
        kernel, threads = torch.backends.cpu.get_cpu_capability(), torch.get_num_threads()
    ms.sort()
    print(json.dumps({"backend": args.backend, "steps": args.steps, "warmup": args.warmup, "batch": B,
                      "ms_per_step": ms[len(ms) // 2], "ms_per_step_min": ms[0], "seconds": seconds,
                      "process_cpu_seconds": cpu, "parameters": count, "kernel": kernel, "threads": threads}))


if __name__ == "__main__":
    main()
