package io.osprey.media.flv;

/** The FLV file header (E.2) and PreviousTagSize0 (E.3), as written at the start of every FLV stream. */
public final class FlvHeader {

    /** E.2: the header alone is 9 bytes (DataOffset). */
    public static final int SIZE = 9;

    private FlvHeader() {
    }

    /** The 9-byte header followed by PreviousTagSize0 = 0: 13 bytes. */
    public static byte[] bytes(boolean audio, boolean video) {
        return new byte[] {
            'F', 'L', 'V',                                  // E.2 Signature UI8[3]
            1,                                              // Version UI8
            (byte) ((audio ? 0x04 : 0) | (video ? 0x01 : 0)), // TypeFlagsReserved UB[5], TypeFlagsAudio UB[1],
                                                            // TypeFlagsReserved UB[1], TypeFlagsVideo UB[1]
            0, 0, 0, SIZE,                                  // DataOffset UI32
            0, 0, 0, 0,                                     // E.3 PreviousTagSize0 UI32, always 0
        };
    }
}
