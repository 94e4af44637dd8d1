package io.osprey.media.codec;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Hostile-input fuzzing of the config record and SPS parsers (HOSTILE-INPUTS D6, D7): on arbitrary bytes only
 * {@link CodecException} may escape, and what parses must be usable (sizes in range, codec strings buildable).
 * Regression inputs live in {@code src/test/resources/io/osprey/media/codec/CodecConfigFuzzTestInputs/<method>/}.
 */
class CodecConfigFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void avcConfig(byte[] data) {
        try {
            AvcConfig c = AvcConfig.parse(ByteBuffer.wrap(data));
            c.codecString();
            if (!c.sps().isEmpty()) {
                H264Sps s = c.firstSps();
                check(s.width(), s.height());
                AvcConfig.build(c.sps(), c.pps());
            }
        } catch (CodecException expected) {
            // malformed input is reported, nothing else
        }
    }

    @FuzzTest(maxDuration = "30s")
    void h264Sps(byte[] data) {
        try {
            H264Sps s = H264Sps.parse(ByteBuffer.wrap(data));
            check(s.width(), s.height());
            s.codecString();
            AvcConfig.parse(AvcConfig.build(List.of(ByteBuffer.wrap(data)), List.of()));
        } catch (CodecException expected) {
            // malformed input is reported, nothing else
        }
    }

    @FuzzTest(maxDuration = "30s")
    void hevcConfig(byte[] data) {
        try {
            HevcConfig c = HevcConfig.parse(ByteBuffer.wrap(data));
            c.codecString();
            if (!c.sps().isEmpty()) {
                H265Sps s = c.firstSps();
                check(s.width(), s.height());
                s.codecString();
            }
        } catch (CodecException expected) {
            // malformed input is reported, nothing else
        }
    }

    @FuzzTest(maxDuration = "30s")
    void aacConfig(byte[] data) {
        try {
            AacConfig c = AacConfig.parse(ByteBuffer.wrap(data));
            if (c.sampleRate() <= 0 || c.channels() < 0) {
                throw new IllegalStateException("parsed a config with no usable rate: " + c);
            }
            c.codecString();
            if (c.adtsCompatible()) {
                c.adtsHeader(Math.min(data.length, 8000));
            }
        } catch (CodecException expected) {
            // malformed input is reported, nothing else
        }
    }

    @FuzzTest(maxDuration = "30s")
    void mp3Header(byte[] data) {
        try {
            Mp3Header h = Mp3Header.parse(ByteBuffer.wrap(data));
            if (h.sampleRate() <= 0 || h.frameLength() < 0) {
                throw new IllegalStateException("parsed a header with no usable rate: " + h);
            }
        } catch (CodecException expected) {
            // malformed input is reported, nothing else
        }
    }

    private static void check(int width, int height) {
        if (width <= 0 || height <= 0 || width > 16384 || height > 16384) {
            throw new IllegalStateException("size out of range: " + width + "x" + height);
        }
    }
}
