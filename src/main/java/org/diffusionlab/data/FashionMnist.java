package org.diffusionlab.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fashion-MNIST (Xiao, Rasul &amp; Vollgraf 2017, MIT licence): 28×28 grey images of ten kinds of
 * clothing, 60 000 for training and 10 000 for testing, read from the gzipped IDX files that
 * Debian's {@code dataset-fashion-mnist} package installs in {@value #DEBIAN_DIR} (or any folder
 * holding the same four file names). Not shipped with this project.
 */
public final class FashionMnist {

    /** Where Debian's {@code dataset-fashion-mnist} puts the files. */
    public static final String DEBIAN_DIR = "/usr/share/datasets/fashion-mnist";

    /** The labels 0..9 in words. */
    public static final String[] CLASS_NAMES = {
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"};

    private FashionMnist() {}

    /**
     * The training (60 000) or test (10 000) part, or its first {@code limit} images.
     *
     * @param dir folder with {@code train-images-idx3-ubyte.gz} etc. (the .gz may be absent)
     * @param train the training part, else the test part ("t10k")
     * @throws IOException with a message saying how to get the files when they are not there
     */
    public static ImageSet load(Path dir, boolean train, int limit) throws IOException {
        String prefix = train ? "train" : "t10k";
        Path images = find(dir, prefix + "-images-idx3-ubyte");
        Path labels = find(dir, prefix + "-labels-idx1-ubyte");
        return IdxFiles.read("fashion-mnist " + (train ? "train" : "test"), images, labels, limit, 10);
    }

    /** Whether the four files are in {@code dir}. */
    public static boolean isPresent(Path dir) {
        for (String f : new String[] {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"}) {
            if (!Files.isReadable(dir.resolve(f + ".gz")) && !Files.isReadable(dir.resolve(f))) return false;
        }
        return true;
    }

    private static Path find(Path dir, String base) throws IOException {
        for (Path p : new Path[] {dir.resolve(base + ".gz"), dir.resolve(base)}) {
            if (Files.isReadable(p)) return p;
        }
        throw new IOException("Fashion-MNIST not found: no " + base + "(.gz) in " + dir
                + ". Install Debian's package (apt-get install dataset-fashion-mnist, files in " + DEBIAN_DIR
                + ") or point the data folder at a copy of the four IDX files.");
    }
}
