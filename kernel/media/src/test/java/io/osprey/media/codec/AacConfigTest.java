package io.osprey.media.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class AacConfigTest {

    @Test
    void realFfmpegLcConfigWithImplicitSbrSignalling() throws Exception {
        // FFmpeg 8.0.1 aac encoder, 44.1 kHz mono, as written to FLV: 00010 0100 0001 000, then the
        // backward-compatible sync extension 0x2b7 "no SBR" (tolerated, not needed)
        AacConfig c = AacConfig.parse(Hex.buf("12 08 56 e5 00"));
        assertEquals(2, c.objectType());
        assertEquals(44100, c.sampleRate());
        assertEquals(4, c.frequencyIndex());
        assertEquals(1, c.channels());
        assertEquals("mp4a.40.2", c.codecString());
    }

    @Test
    void explicitHeAacAndPs() throws Exception {
        // audioObjectType 5 (SBR), core 24 kHz (6), stereo, extension 48 kHz (3), core type 2, GASpecificConfig 000
        byte[] he = new BitWriterForTests().bits(5, 5).bits(6, 4).bits(2, 4).bits(3, 4).bits(2, 5).bits(0, 3)
                .trailing();
        AacConfig c = AacConfig.parse(ByteBuffer.wrap(he));
        assertEquals("mp4a.40.5", c.codecString());
        assertEquals(2, c.coreObjectType());
        assertEquals(24000, c.sampleRate());
        assertEquals(48000, c.outputSampleRate());
        assertTrue(c.adtsCompatible());
        // ADTS carries the core: profile 1 (LC), index 6
        // 58 = profile 01 (LC), sampling_frequency_index 0110 (24 kHz), private 0, channel bit 2 = 0
        assertEquals("fff158800d7ffc", Hex.of(c.adtsHeader(100)));
        byte[] ps = new BitWriterForTests().bits(29, 5).bits(6, 4).bits(1, 4).bits(3, 4).bits(2, 5).bits(0, 3)
                .trailing();
        AacConfig v2 = AacConfig.parse(ByteBuffer.wrap(ps));
        assertEquals("mp4a.40.29", v2.codecString());
        assertEquals(2, v2.channels());
    }

    @Test
    void escapedObjectTypeAndExplicitRate() throws Exception {
        // 31 -> 32 + 10 = 42 (USAC), frequency index 15 then 24-bit 50000 Hz, channelConfiguration 2
        byte[] b = new BitWriterForTests().bits(31, 5).bits(10, 6).bits(15, 4).bits(50000, 24).bits(2, 4).trailing();
        AacConfig c = AacConfig.parse(ByteBuffer.wrap(b));
        assertEquals(42, c.objectType());
        assertEquals(50000, c.sampleRate());
        assertEquals(3, c.frequencyIndex()); // nearest standard rate, 48000
        assertFalse(c.adtsCompatible());
        assertThrows(IllegalStateException.class, () -> c.adtsHeader(10));
    }

    @Test
    void adtsHeaderGoldenBytes() throws Exception {
        AacConfig c = AacConfig.parse(AacConfig.build(2, 44100, 2));
        byte[] h = c.adtsHeader(100);
        // fff: syncword; 1: ID 0, layer 00, protection_absent 1
        // 50 = 01 (profile LC) 0100 (44.1 kHz) 0 (private) 0 (channel_configuration bit 2)
        // 80 = 10 (channel_configuration bits 1..0 = 2) 0 0 0 0 (original, home, copyright bits) 00 (length 12..11)
        // 0d 7f = aac_frame_length 107 = 0b0000011010110 across bits; buffer fullness 0x7FF; fc = 0 raw blocks
        assertEquals("fff150800d7ffc", Hex.of(h));
    }

    @Test
    void buildMatchesTheTwoByteForm() throws Exception {
        assertEquals("1210", Hex.of(AacConfig.build(2, 44100, 2))); // 00010 0100 0010 000
        assertEquals("1190", Hex.of(AacConfig.build(2, 48000, 2))); // 00010 0011 0010 000
        AacConfig odd = AacConfig.parse(AacConfig.build(2, 50000, 1));
        assertEquals(50000, odd.sampleRate());
        AacConfig escaped = AacConfig.parse(AacConfig.build(42, 48000, 2));
        assertEquals(42, escaped.objectType());
        assertEquals(2, escaped.channels());
    }

    @Test
    void hostileConfigs() {
        // HOSTILE-INPUTS D7: empty, 1 byte, reserved index 13 / 14, explicit rate 0
        assertThrows(CodecException.class, () -> AacConfig.parse(Hex.buf("")));
        assertThrows(CodecException.class, () -> AacConfig.parse(Hex.buf("12")));
        assertThrows(CodecException.class, () -> AacConfig.parse(Hex.buf("1690"))); // index 13
        assertThrows(CodecException.class, () -> AacConfig.parse(Hex.buf("1710"))); // index 14
        assertThrows(CodecException.class, () -> AacConfig.parse(Hex.buf("1780 0000 10"))); // explicit 0 Hz
        assertThrows(CodecException.class, () -> AacConfig.parse(Hex.buf("0000")));
    }
}
