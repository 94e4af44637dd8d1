package io.osprey.plugin.transcode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.spi.ConfigException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ffmpeg command of a ladder and the config rules. */
class LadderArgsTest {

    private static TranscodeConfig.Rendition r(String name, int height, int kbps, double fps) {
        TranscodeConfig.Rendition r = new TranscodeConfig.Rendition();
        r.name = name;
        r.height = height;
        r.videoKbps = kbps;
        r.fps = fps;
        return r;
    }

    private static String after(List<String> args, String option) {
        int i = args.indexOf(option);
        assertTrue(i >= 0, option + " in " + args);
        return args.get(i + 1);
    }

    @Test
    void oneDecodeSplitIntoEveryRenditionWithKeyFramesAtTheSources() {
        List<String> a = LadderArgs.of(List.of(r("480p", 480, 1200, 0), r("360p", 360, 700, 15)), "libx264",
                "veryfast", true, true);
        assertEquals("pipe:0", after(a, "-i"));
        assertEquals(1, a.stream().filter("-i"::equals).count(), "one input, decoded once");
        assertEquals("[0:v:0]split=2[s0][s1];[s0]scale=-2:480,format=yuv420p[v0];"
                + "[s1]fps=15,scale=-2:360,format=yuv420p[v1]", after(a, "-filter_complex"));
        assertEquals("1200k", after(a, "-b:v:0"));
        assertEquals("700k", after(a, "-maxrate:v:1"));
        assertEquals("source", after(a, "-force_key_frames"));
        assertEquals("0", after(a, "-sc_threshold"));
        assertEquals("zerolatency", after(a, "-tune"));
        assertEquals("copy", after(a, "-c:a"), "AAC is copied");
        assertEquals("pipe:1", a.get(a.size() - 1));
        assertEquals("flv", a.get(a.size() - 2));
    }

    @Test
    void openh264GetsBitrateControlAndOtherAudioIsEncodedPerRendition() {
        TranscodeConfig.Rendition hi = r("hi", 240, 400, 0);
        hi.audioKbps = 128;
        List<String> a = LadderArgs.of(List.of(hi, r("lo", 120, 100, 0)), "libopenh264", "veryfast", true, false);
        assertEquals("bitrate", after(a, "-rc_mode"));
        assertFalse(a.contains("-tune"), "openh264 has no tune");
        assertEquals("aac", after(a, "-c:a:0"));
        assertEquals("128k", after(a, "-b:a:0"), "each rendition's own audio rate");
        assertEquals("aac", after(a, "-c:a:1"));
        assertEquals("96k", after(a, "-b:a:1"));
        assertEquals(2, a.stream().filter("0:a:0"::equals).count(), "one audio track per rendition");
        List<String> silent = LadderArgs.of(List.of(hi), "libopenh264", "veryfast", false, false);
        assertFalse(silent.contains("0:a:0"));
    }

    @Test
    void badConfigNamesTheKey() {
        TranscodeConfig c = new TranscodeConfig();
        c.ladders.put("live", List.of(r("480p", 480, 1200, 0), r("480p", 360, 700, 0)));
        ConfigException e = assertThrows(ConfigException.class, c::validate);
        assertTrue(e.getMessage().contains("ladders.live[1].name"), e.getMessage());
        c.ladders.put("live", List.of(r("odd", 361, 700, 0)));
        e = assertThrows(ConfigException.class, c::validate);
        assertTrue(e.getMessage().contains("ladders.live[0].height"), e.getMessage());
        c.ladders.put("live", List.of(r("bad_name", 360, 700, 0)));
        e = assertThrows(ConfigException.class, c::validate);
        assertTrue(e.getMessage().contains("ladders.live[0].name"), e.getMessage());
        c.ladders.put("live", List.of(r("ok", 360, 700, 0)));
        c.preset = "Very Fast";
        e = assertThrows(ConfigException.class, c::validate);
        assertTrue(e.getMessage().contains("preset"), e.getMessage());
        // an unknown encoder is the kernel's @Setting rule: see TranscodeConfigDocsTest
    }
}
