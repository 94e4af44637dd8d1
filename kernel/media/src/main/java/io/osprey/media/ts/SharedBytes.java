package io.osprey.media.ts;

import io.osprey.media.buffer.SegmentMemory;
import java.nio.ByteBuffer;

/**
 * Bytes handed out by {@link TsSegmentWriter} (a finished segment or an LL-HLS part) together with one reference
 * to the {@link SegmentMemory} they live in, owned by the receiver. The bytes are read-only and never change while
 * any reference is held; after the receiver's last {@link #release()} (and everybody else's) they may be
 * overwritten, so hand a reference to every reader ({@code memory().tryRetain()}) before the receiver releases.
 *
 * @param bytes  a read-only view of the bytes
 * @param memory the memory they are in; one reference belongs to the receiver
 */
public record SharedBytes(ByteBuffer bytes, SegmentMemory memory) {

    /** Gives up the receiver's reference. */
    public void release() {
        memory.release();
    }
}
