package org.diffusionlab.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * The paths of a run, checked before any work so that a typo or a read-only folder costs no
 * training time: the figure folder ({@code --out}) and the checkpoint to write
 * ({@code --save-checkpoint}) must be writable, which is tried by creating and deleting a probe
 * file there (permission bits say nothing about read-only file systems, or to root); the
 * checkpoint to read ({@code --load-checkpoint}) must be an existing, readable file.
 */
final class PathChecks {

    private PathChecks() {}

    /** Creates {@code dir} if missing and makes sure a file can be written in it. */
    static void outputFolder(CommandLine cmd, String flag, Path dir) {
        requireNamed(cmd, flag, dir, "a folder (--out . is the current folder)");
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new ParameterException(cmd, flag + " " + dir + " cannot be used: it is a file, not a folder");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new ParameterException(cmd, flag + " " + dir + " cannot be created: " + reason(e));
        }
        probe(cmd, flag, dir, dir);
    }

    /** Makes sure {@code file} can be written later: not a folder, its folder created and writable. */
    static void fileToWrite(CommandLine cmd, String flag, Path file) {
        requireNamed(cmd, flag, file, "a file");
        if (Files.isDirectory(file)) {
            throw new ParameterException(cmd, flag + " " + file + " cannot be used: it is a folder, not a file");
        }
        if (Files.exists(file) && !Files.isWritable(file)) {
            throw new ParameterException(cmd, flag + " " + file + " cannot be written: the file exists and is read-only");
        }
        Path parent = file.toAbsolutePath().getParent();
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new ParameterException(cmd, flag + " " + file + " cannot be written: its folder " + parent
                    + " cannot be created: " + reason(e));
        }
        probe(cmd, flag, file, parent);
    }

    /** Makes sure {@code file} exists, is a regular file and is readable. */
    static void fileToRead(CommandLine cmd, String flag, Path file) {
        requireNamed(cmd, flag, file, "a file");
        String problem = !Files.exists(file) ? "no such file (looked for " + file.toAbsolutePath() + ")"
                : Files.isDirectory(file) ? "it is a folder, not a file"
                : !Files.isRegularFile(file) ? "it is not a regular file"
                : !Files.isReadable(file) ? "it is not readable (permissions)" : null;
        if (problem != null) throw new ParameterException(cmd, flag + " " + file + " cannot be used: " + problem);
    }

    private static void requireNamed(CommandLine cmd, String flag, Path path, String what) {
        if (path.toString().isBlank()) {
            throw new ParameterException(cmd, flag + " \"" + path + "\" is invalid: must name " + what);
        }
    }

    /** Writes and deletes an empty file in {@code folder}: the only check that holds for read-only mounts and root. */
    private static void probe(CommandLine cmd, String flag, Path given, Path folder) {
        try {
            Path probe = Files.createTempFile(folder, ".diffusion-lab-", ".probe");
            Files.delete(probe);
        } catch (IOException e) {
            // the probe's own name would only confuse: say what went wrong, not where
            String why = reason(e);
            int at = why.indexOf(": " + folder);
            throw new ParameterException(cmd, flag + " " + given + " cannot be written: " + folder + " is not writable ("
                    + (at >= 0 ? why.substring(0, at) : why) + ")");
        }
    }

    /** An I/O failure in words: the JDK's messages for these are often just the path. */
    static String reason(IOException e) {
        String what = e instanceof AccessDeniedException ? "permission denied"
                : e instanceof NoSuchFileException ? "no such file or folder"
                : e instanceof NotDirectoryException ? "not a folder"
                : e instanceof FileAlreadyExistsException ? "a file of that name is in the way"
                : e instanceof FileSystemException f && f.getReason() != null ? f.getReason()
                : e.getMessage();
        String file = e instanceof FileSystemException f && f.getFile() != null ? f.getFile() : null;
        return file == null || what.contains(file) ? what : what + ": " + file;
    }
}
