package io.osprey.plugin.transcode;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.osprey.testkit.ConfigDocs;
import org.junit.jupiter.api.Test;

/**
 * Every key of plugins.transcode is documented (renditions by their @Setting), and single-key rules are the kernel's.
 */
class TranscodeConfigDocsTest {

    @Test
    void everyKeyHasADoc() {
        ConfigDocs.assertEveryKeyDocumented(TranscodeConfig.class);
    }

    @Test
    void rangesAreCheckedByTheKernelWithItsWords() throws Exception {
        ConfigDocs.assertRefused("transcode", TranscodeConfig.class, "encoder: x265", "encoder",
                "must be auto, libx264 or libopenh264, was x265");
        ConfigDocs.assertRefused("transcode", TranscodeConfig.class, "maxLadders: -1", "maxLadders",
                "must be at least 0, was -1");
        ConfigDocs.assertRefused("transcode", TranscodeConfig.class, "inputQueueBytes: 65535", "inputQueueBytes",
                "must be at least 65536, was 65535");
        ConfigDocs.assertRefused("transcode", TranscodeConfig.class, "restartDelayMs: 9", "restartDelayMs",
                "must be at least 10, was 9");
        ConfigDocs.assertRefused("transcode", TranscodeConfig.class, "encoder: null", "encoder",
                "must be auto, libx264 or libopenh264");
        // renditions are list elements, which the kernel does not check: validate() does
        ConfigDocs.assertRefused("transcode", TranscodeConfig.class,
                "ladders:\n  live:\n    - { name: a, height: 361, videoKbps: 700 }", "ladders.live[0].height",
                "must be an even number of pixels, 16..4320");
        TranscodeConfig c = ConfigDocs.bind("transcode", TranscodeConfig.class,
                "encoder: libopenh264\nmaxLadders: 0\n"
                        + "ladders:\n  live:\n    - { name: a, height: 360, videoKbps: 700 }");
        assertEquals("libopenh264", c.encoder);
        assertEquals(1, c.ladder("live").size());
    }
}
