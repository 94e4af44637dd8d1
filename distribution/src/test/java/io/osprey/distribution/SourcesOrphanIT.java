package io.osprey.distribution;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.testkit.Await;
import io.osprey.testkit.TestMedia;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code kill -9} of the server (the distribution, OSGi mode) leaves no source worker running: a worker writing to
 * the pipe of a dead JVM dies of SIGPIPE at its next write, and one waiting on a camera that never answers ends at
 * its I/O timeout.
 */
class SourcesOrphanIT {

    @Test
    void killingTheServerLeavesNoFfmpegBehind() throws Exception {
        Path clip = TestMedia.h264Aac(4, 300);
        // a camera that accepts and never answers: its worker writes nothing, so no SIGPIPE ends it; its I/O
        // timeout does
        try (ServerSocket silent = new ServerSocket(0);
             DistributionProcess server = new DistributionProcess("plugins:\n  sources:\n    ioTimeoutMs: 2000\n"
                + "    streams:\n"
                + "      files/a: { url: \"" + clip + "\", loop: true, audio: aac }\n"
                + "      files/b: { url: \"" + clip + "\", loop: true, audio: copy }\n"
                + "      cams/silent: { url: \"http://127.0.0.1:" + silent.getLocalPort() + "/x.ts\", audio: copy }\n")) {
            server.awaitReady();
            Await.until("both sources live", Duration.ofSeconds(30), () -> {
                try {
                    String body = server.get("/api/sources").body();
                    return body.split("\"state\": \"live\"", -1).length == 3;
                } catch (Exception e) {
                    return false;
                }
            });
            List<ProcessHandle> workers = server.process().descendants()
                    .filter(p -> p.info().command().map(c -> c.endsWith("/ffmpeg")).orElse(false)).toList();
            assertTrue(workers.size() >= 2, "two workers running: " + workers);
            Await.until("the silent camera's worker", Duration.ofSeconds(10), () -> server.process().descendants()
                    .anyMatch(p -> p.info().arguments().map(a -> String.join(" ", a)
                            .contains(":" + silent.getLocalPort() + "/")).orElse(false)));
            workers = server.process().descendants()
                    .filter(p -> p.info().command().map(c -> c.endsWith("/ffmpeg")).orElse(false)).toList();
            server.process().destroyForcibly(); // SIGKILL: no shutdown hook runs
            server.process().waitFor();
            List<ProcessHandle> all = workers;
            Await.until("no worker left", Duration.ofSeconds(15), () -> all.stream().noneMatch(ProcessHandle::isAlive));
            assertFalse(all.stream().anyMatch(ProcessHandle::isAlive));
        }
    }
}
