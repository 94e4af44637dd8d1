package io.osprey.plugin.cleanup;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Removes a session folder or file, never following a symlink and never outside its root: the tree is walked
 * without {@code FOLLOW_LINKS} (a link is removed as a link, its target untouched), and before each removal the
 * file's folder is resolved to its real path and must lie inside the root's real path, so a folder swapped for a
 * link after the scan cannot redirect a removal. A removal that fails is logged and skipped. Emptied folders are
 * removed up to (not including) the root. {@code stopped} is checked before every file: a plugin that is
 * disabled stops removing at once.
 */
final class Deleter {

    private static final System.Logger LOG = System.getLogger(Deleter.class.getName());

    /** What a removal did. */
    static final class Result {
        long files;
        long bytes;
        final List<String> failures = new ArrayList<>();
        boolean interrupted;
    }

    private final BooleanSupplier stopped;

    Deleter(BooleanSupplier stopped) {
        this.stopped = stopped;
    }

    /** Removes {@code target} (file, link or folder) under {@code root} except {@code keep}; counts only if dry. */
    Result remove(Path root, Path target, Path keep, boolean dry) {
        Result r = new Result();
        if (!target.normalize().startsWith(root) || target.normalize().equals(root)) {
            r.failures.add(target + ": not inside " + root);
            return r;
        }
        try {
            Files.walkFileTree(target, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes a) {
                    if (stopped.getAsBoolean()) {
                        r.interrupted = true;
                        return FileVisitResult.TERMINATE;
                    }
                    if (file.equals(keep) || (!a.isRegularFile() && !a.isSymbolicLink())) {
                        return FileVisitResult.CONTINUE;
                    }
                    if (!dry && !deleteFile(root, file, r)) {
                        return FileVisitResult.CONTINUE;
                    }
                    r.files++;
                    r.bytes += a.isSymbolicLink() ? 0 : a.size();
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException exc) {
                    if (!(exc instanceof NoSuchFileException)) {
                        r.failures.add(file + ": " + exc);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) {
                    if (!dry && !r.interrupted) {
                        removeIfEmpty(root, dir);
                    }
                    return r.interrupted ? FileVisitResult.TERMINATE : FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            r.failures.add(target + ": " + e);
        }
        if (!dry && !r.interrupted) {
            removeEmptyParents(root, target.getParent());
        }
        for (String f : r.failures) {
            LOG.log(Level.WARNING, "cleanup: could not remove {0} (skipped)", f);
        }
        return r;
    }

    private static boolean deleteFile(Path root, Path file, Result r) {
        try {
            Path parent = file.getParent().toRealPath();
            if (!parent.startsWith(root)) {
                r.failures.add(file + ": its folder resolves to " + parent + ", outside " + root);
                return false;
            }
            Files.delete(parent.resolve(file.getFileName())); // a link is removed as a link
            return true;
        } catch (NoSuchFileException gone) {
            return false;
        } catch (IOException | SecurityException e) {
            r.failures.add(file + ": " + e);
            return false;
        }
    }

    /** Removes {@code dir} if it is an empty folder strictly inside {@code root}; true if it did. */
    static boolean removeIfEmpty(Path root, Path dir) {
        if (dir == null || !dir.startsWith(root) || dir.equals(root)) {
            return false;
        }
        try {
            Path real = dir.toRealPath();
            if (!real.startsWith(root) || real.equals(root)) {
                return false;
            }
            Files.delete(real);
            return true;
        } catch (DirectoryNotEmptyException | NoSuchFileException expected) {
            return false;
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "cleanup: could not remove the folder {0}: {1}", dir, e.toString());
            return false;
        }
    }

    /** Removes emptied folders from {@code dir} up to, not including, {@code root}. */
    static void removeEmptyParents(Path root, Path dir) {
        for (Path p = dir; p != null && removeIfEmpty(root, p); p = p.getParent()) {
            // keep going up while folders become empty
        }
    }
}
