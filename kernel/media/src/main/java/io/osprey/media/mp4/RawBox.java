package io.osprey.media.mp4;

import java.nio.ByteBuffer;

/**
 * A box whose content is carried as bytes, written back verbatim (ISO 14496-12 4.2): e.g. a {@code stsd} copied
 * from an init segment into a progressive file, where re-deriving the sample entry would need the codec config
 * the copier does not have. The content is copied once; the box is immutable.
 */
public final class RawBox extends Box {
    private final ByteBuffer content;

    /** {@code content} from its position to its limit (not consumed) becomes the box's content. */
    public RawBox(String type, ByteBuffer content) {
        super(type);
        ByteBuffer copy = ByteBuffer.allocate(content.remaining());
        copy.put(content.duplicate()).flip();
        this.content = copy.asReadOnlyBuffer();
    }

    /** A fresh read-only view of the content. */
    public ByteBuffer content() {
        return content.duplicate();
    }

    @Override
    protected long contentSize() {
        return content.remaining();
    }

    @Override
    protected void writeContent(ByteBuffer out) {
        out.put(content.duplicate());
    }
}
