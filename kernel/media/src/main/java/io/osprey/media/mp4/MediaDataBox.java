package io.osprey.media.mp4;

import java.nio.ByteBuffer;

/**
 * {@code mdat} (ISO 14496-12 8.1.1): the media samples. Writers usually stream the payload themselves after
 * {@link #writeHeader}, which switches to a 64-bit largesize past 4 GiB.
 */
public final class MediaDataBox {
    private MediaDataBox() {
    }

    /** The header size for {@code payloadSize} bytes of samples: 8, or 16 with a largesize. */
    public static int headerSize(long payloadSize) {
        return payloadSize + 8 > 0xFFFFFFFFL ? 16 : 8;
    }

    /** Writes {@code size 32, 'mdat'} or {@code 1, 'mdat', largesize 64} for {@code payloadSize} bytes. */
    public static void writeHeader(ByteBuffer out, long payloadSize) {
        if (headerSize(payloadSize) == 16) {
            out.putInt(1);
            Box.putFourCc(out, "mdat");
            out.putLong(payloadSize + 16);
        } else {
            out.putInt((int) (payloadSize + 8));
            Box.putFourCc(out, "mdat");
        }
    }
}
