package io.osprey.media.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class Mp3HeaderTest {

    @Test
    void mpeg1Layer3() throws Exception {
        // ff fb: sync, version 11 (MPEG-1), layer 01 (III), protection_bit 1 (no CRC)
        // 90: bitrate_index 1001 (128 kbit/s), sampling_frequency 00 (44.1 kHz), padding 0, private 0
        // 64: mode 01 (joint stereo), mode_extension 10, copyright 0, original 1, emphasis 00
        Mp3Header h = Mp3Header.parse(Hex.buf("fffb9064"));
        assertEquals(1, h.version());
        assertEquals(3, h.layer());
        assertEquals(128000, h.bitrate());
        assertEquals(44100, h.sampleRate());
        assertEquals(2, h.channels());
        assertEquals(417, h.frameLength()); // 144 x 128000 / 44100
        assertEquals(1152, h.samplesPerFrame());
        assertEquals(418, Mp3Header.parse(Hex.buf("fffb9264")).frameLength()); // padding
    }

    @Test
    void mpeg2Layer3AndLayer1() throws Exception {
        // f3: MPEG-2, layer III; 84: 64 kbit/s (V2 index 8), 24 kHz; c0: single channel
        Mp3Header h = Mp3Header.parse(Hex.buf("fff384c0"));
        assertEquals(2, h.version());
        assertEquals(24000, h.sampleRate());
        assertEquals(1, h.channels());
        assertEquals(576, h.samplesPerFrame());
        assertEquals(192, h.frameLength()); // 72 x 64000 / 24000
        // ff ff: MPEG-1 layer I; 10: 32 kbit/s, 44.1 kHz -> (12 x 32000 / 44100) x 4 = 32
        assertEquals(32, Mp3Header.parse(Hex.buf("ffff1000")).frameLength());
        // MPEG-2.5 (00): 11.025 kHz
        assertEquals(11025, Mp3Header.parse(Hex.buf("ffe38000")).sampleRate());
    }

    @Test
    void reservedFieldsAreRejected() {
        assertThrows(CodecException.class, () -> Mp3Header.parse(Hex.buf("fffb")));
        assertThrows(CodecException.class, () -> Mp3Header.parse(Hex.buf("7ffb9064"))); // no sync
        assertThrows(CodecException.class, () -> Mp3Header.parse(Hex.buf("ffeb9064"))); // version 01
        assertThrows(CodecException.class, () -> Mp3Header.parse(Hex.buf("fff99064"))); // layer 00
        assertThrows(CodecException.class, () -> Mp3Header.parse(Hex.buf("fffbf064"))); // bitrate 1111
        assertThrows(CodecException.class, () -> Mp3Header.parse(Hex.buf("fffb9c64"))); // rate 11
    }
}
