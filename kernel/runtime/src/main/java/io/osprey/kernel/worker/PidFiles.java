package io.osprey.kernel.worker;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * One file per running worker, {@code <dataDir>/workers/<pid>}, holding the process's start instant and command.
 * At start-up, a file left by a server that died without its shutdown hook ({@code kill -9}) names a child that
 * may still run: if a process with that pid, start instant and command exists, it is killed.
 */
final class PidFiles {

    private static final System.Logger LOG = System.getLogger(PidFiles.class.getName());

    private final Path dir;

    PidFiles(Path dir) {
        this.dir = dir;
    }

    void add(ProcessHandle p) {
        Path file = dir.resolve(Long.toString(p.pid()));
        try {
            String id = identity(p);
            try {
                Files.writeString(file, id, StandardCharsets.UTF_8);
            } catch (java.nio.file.NoSuchFileException e) {
                // the folder is made when first needed (or again if removed), not checked at every worker start
                Files.createDirectories(dir);
                Files.writeString(file, id, StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot record worker pid " + p.pid() + " in " + dir + ": " + e.getMessage());
        }
    }

    void remove(long pid) {
        try {
            Files.deleteIfExists(dir.resolve(Long.toString(pid)));
        } catch (IOException ignored) {
            // a stale file is checked against the start instant at the next sweep
        }
    }

    /** Kills children a previous run of this data folder left behind. */
    void sweep() {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String recorded = Files.readString(f, StandardCharsets.UTF_8);
                Optional<ProcessHandle> p = parsePid(f.getFileName().toString()).flatMap(ProcessHandle::of);
                if (p.isPresent() && p.get().isAlive() && identity(p.get()).equals(recorded)) {
                    LOG.log(Level.WARNING, "killing worker pid {0} left behind by a previous run: {1}",
                            p.get().pid(), recorded.lines().skip(1).findFirst().orElse(""));
                    p.get().destroyForcibly();
                }
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot sweep worker pid files in " + dir + ": " + e.getMessage());
        }
    }

    private static Optional<Long> parsePid(String name) {
        try {
            return Optional.of(Long.parseLong(name));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static String identity(ProcessHandle p) {
        ProcessHandle.Info info = p.info();
        return info.startInstant().map(Instant::toString).orElse("?") + "\n" + info.command().orElse("?") + "\n";
    }
}
