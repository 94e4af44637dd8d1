package io.osprey.kernel.recording;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.spi.recording.RecordedSession;
import io.osprey.spi.recording.Recorder;
import io.osprey.spi.recording.RecordingRegistry;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The registry: registrations in order, ready once said, gone when closed; roots must be absolute. */
class KernelRecordingsTest {

    private static Recorder recorder(String type, Path root) {
        return new Recorder() {
            @Override
            public String type() {
                return type;
            }

            @Override
            public Path root() {
                return root;
            }

            @Override
            public List<RecordedSession> sessions(Listing listing) {
                return List.of();
            }
        };
    }

    @Test
    void registersReadiesAndForgets() {
        KernelRecordings k = new KernelRecordings();
        RecordingRegistry.RecorderRegistration mp4 = k.register("fmp4-recorder", recorder("mp4", Path.of("/d/mp4")));
        RecordingRegistry.RecorderRegistration flv = k.register("httpflv", recorder("flv", Path.of("/d/flv")));
        List<RecordingRegistry.Entry> all = k.recorders();
        assertEquals(List.of("mp4", "flv"), all.stream().map(e -> e.recorder().type()).toList());
        assertEquals("fmp4-recorder", all.get(0).pluginId());
        assertFalse(all.get(0).ready(), "not ready until said");
        mp4.ready();
        mp4.ready();
        assertTrue(k.recorders().get(0).ready());
        mp4.close();
        mp4.close();
        assertEquals(List.of("flv"), k.recorders().stream().map(e -> e.recorder().type()).toList());
        flv.close();
        assertTrue(k.recorders().isEmpty());
    }

    @Test
    void aRelativeRootIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> new KernelRecordings().register("x", recorder("mp4", Path.of("data/mp4"))));
    }

    @Test
    void aPrimaryFileOutsideItsSessionIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new RecordedSession("mp4",
                io.osprey.spi.bus.StreamKey.parse("live/a"), "s", Path.of("/d/mp4/live/a/s"), false, "merged", null,
                null, -1, null, Path.of("/etc/passwd")));
    }
}
