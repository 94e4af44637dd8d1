package io.osprey.bench.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The like-for-like side's malloc environment comes from the running server, not from a copy in the bench. */
class PassthroughTest {

    @Test
    void mallocSettingsAreReadFromTheServersEnvironmentWithTheWorkerDefaultsForWhatItLacks() throws Exception {
        ProcessBuilder pb = new ProcessBuilder("sleep", "30");
        pb.environment().keySet().removeIf(k -> k.startsWith("MALLOC_"));
        pb.environment().put("MALLOC_ARENA_MAX", "2"); // as bin/osprey exports it
        Process server = pb.start();
        try {
            Map<String, String> env = Passthrough.serverMalloc(server.pid());
            assertEquals(Map.of("MALLOC_ARENA_MAX", "2", "MALLOC_MMAP_THRESHOLD_", "4194304",
                    "MALLOC_TRIM_THRESHOLD_", "134217728"), env);
        } finally {
            server.destroyForcibly().waitFor();
        }
    }
}
