package io.osprey.kernel.worker;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pid file of a running worker: written into a folder made on first need (and again if it was removed). */
class PidFilesTest {

    @TempDir
    Path data;

    @Test
    void theFolderIsMadeWhenMissingAndMadeAgainWhenRemoved() throws IOException {
        Path dir = data.resolve("workers");
        PidFiles pids = new PidFiles(dir);
        ProcessHandle self = ProcessHandle.current();
        Path file = dir.resolve(Long.toString(self.pid()));

        pids.add(self);
        assertTrue(Files.isRegularFile(file), "first worker: folder and file made");
        assertTrue(Files.readString(file).contains("\n"), "start instant and command recorded");

        pids.remove(self.pid());
        assertFalse(Files.exists(file));
        Files.delete(dir); // e.g. an operator cleaned the data folder while the server ran

        pids.add(self);
        assertTrue(Files.isRegularFile(file), "a removed folder is made again");
        pids.remove(self.pid());
        assertFalse(Files.exists(file));
    }
}
