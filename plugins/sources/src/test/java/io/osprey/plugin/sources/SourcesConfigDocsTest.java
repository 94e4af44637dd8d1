package io.osprey.plugin.sources;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.osprey.testkit.ConfigDocs;
import org.junit.jupiter.api.Test;

/** Every key of plugins.sources is documented in its schema, and single-key ranges are the kernel's rules. */
class SourcesConfigDocsTest {

    @Test
    void everyKeyHasADoc() {
        ConfigDocs.assertEveryKeyDocumented(SourcesConfig.class);
    }

    @Test
    void rangesAreCheckedByTheKernelWithItsWords() throws Exception {
        ConfigDocs.assertRefused("sources", SourcesConfig.class, "aacKbps: 8", "aacKbps", "must be 16..512, was 8");
        ConfigDocs.assertRefused("sources", SourcesConfig.class, "maxTagBytes: 16777216", "maxTagBytes",
                "must be 65536..16777215, was 16777216");
        ConfigDocs.assertRefused("sources", SourcesConfig.class, "stallMs: 999", "stallMs",
                "must be at least 1000, was 999");
        ConfigDocs.assertRefused("sources", SourcesConfig.class, "maxActive: 0", "maxActive",
                "must be at least 1, was 0");
        ConfigDocs.assertRefused("sources", SourcesConfig.class, "minBackoffMs: 100\nmaxBackoffMs: 50",
                "maxBackoffMs", "must be at least minBackoffMs");
        // a source is checked entry by entry: the allowed values by the kernel, the rest by SourceSpec.problem
        ConfigDocs.assertRefused("sources", SourcesConfig.class,
                "streams:\n  cam/a:\n    url: rtsp://127.0.0.1/x\n    rtspTransport: http",
                "streams.cam/a.rtspTransport", "must be tcp or udp, was http");
        ConfigDocs.assertRefused("sources", SourcesConfig.class, "streams:\n  cam/a:\n    url: pipe:0",
                "streams.cam/a", "url must be rtsp(s)://, rtmp(s)://, srt://, http(s)://, udp://, file:/// or an "
                        + "absolute path");
        SourcesConfig c = ConfigDocs.bind("sources", SourcesConfig.class,
                "aacKbps: 512\nstreams:\n  cam/a:\n    url: rtsp://127.0.0.1/x\n    audio: copy");
        assertEquals("copy", c.streams.get("cam/a").audio);
        assertEquals(512, c.aacKbps);
    }
}
