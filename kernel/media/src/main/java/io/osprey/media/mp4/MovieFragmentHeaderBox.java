package io.osprey.media.mp4;

import java.nio.ByteBuffer;

/** {@code mfhd} (ISO 14496-12 8.8.5): sequence_number 32, increasing from fragment to fragment. */
public final class MovieFragmentHeaderBox extends FullBox {
    private final int sequenceNumber;

    public MovieFragmentHeaderBox(int sequenceNumber) {
        super("mfhd", 0, 0);
        this.sequenceNumber = sequenceNumber;
    }

    public int sequenceNumber() {
        return sequenceNumber;
    }

    /** Parses the content (after the box header) of an {@code mfhd}; {@code content} is not consumed. */
    public static MovieFragmentHeaderBox parse(ByteBuffer content) throws Mp4FormatException {
        if (content.remaining() < 8) {
            throw new Mp4FormatException("mfhd of " + content.remaining() + " bytes", content.position());
        }
        return new MovieFragmentHeaderBox(content.getInt(content.position() + 4));
    }

    @Override
    protected long fieldsSize() {
        return 4;
    }

    @Override
    protected void writeFields(ByteBuffer out) {
        out.putInt(sequenceNumber);
    }
}
