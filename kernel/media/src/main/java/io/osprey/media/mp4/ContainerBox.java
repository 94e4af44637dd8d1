package io.osprey.media.mp4;

import java.nio.ByteBuffer;
import java.util.List;

/** A box whose content is only other boxes (moov, trak, mdia, minf, dinf, stbl, mvex, moof, traf, edts). */
public class ContainerBox extends Box {
    private final List<Box> children;

    public ContainerBox(String type, List<? extends Box> children) {
        super(type);
        this.children = List.copyOf(children);
    }

    public final List<Box> children() {
        return children;
    }

    @Override
    protected final long contentSize() {
        long size = 0;
        for (Box b : children) {
            size += b.size();
        }
        return size;
    }

    @Override
    protected final void writeContent(ByteBuffer out) {
        for (Box b : children) {
            b.write(out);
        }
    }
}
