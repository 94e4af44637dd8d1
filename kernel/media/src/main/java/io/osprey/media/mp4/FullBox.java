package io.osprey.media.mp4;

import java.nio.ByteBuffer;

/** A box with {@code version 8, flags 24} before its fields (ISO 14496-12 4.2). */
public abstract class FullBox extends Box {
    private final int version;
    private final int flags;

    protected FullBox(String type, int version, int flags) {
        super(type);
        this.version = version;
        this.flags = flags;
    }

    public final int version() {
        return version;
    }

    public final int flags() {
        return flags;
    }

    protected abstract long fieldsSize();

    protected abstract void writeFields(ByteBuffer out);

    @Override
    protected final long contentSize() {
        return 4 + fieldsSize();
    }

    @Override
    protected final void writeContent(ByteBuffer out) {
        out.putInt(version << 24 | flags & 0xFFFFFF);
        writeFields(out);
    }
}
