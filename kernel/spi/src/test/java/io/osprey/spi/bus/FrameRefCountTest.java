package io.osprey.spi.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class FrameRefCountTest {

    /** An owner that counts like a pooled segment: starts with the reference the first frame takes over. */
    static final class Owner implements Frame.PayloadOwner {
        int refs = 1;
        int returned;

        @Override
        public void retain() {
            refs++;
        }

        @Override
        public void release() {
            if (--refs == 0) {
                returned++;
            }
        }
    }

    private static Frame pooled(Owner owner) {
        return Frame.media(0, Codec.H264, 40, 0, true, ByteBuffer.allocate(8), owner);
    }

    @Test
    void theLastReleaseHandsTheMemoryBack() {
        Owner owner = new Owner();
        Frame f = pooled(owner);
        assertTrue(f.isPooled());
        assertEquals(1, f.refCount());
        assertSame(f, f.retain());
        assertTrue(f.tryRetain());
        assertEquals(3, f.refCount());
        f.release();
        f.release();
        assertEquals(0, owner.returned, "one reference left");
        f.release();
        assertEquals(1, owner.returned);
        assertEquals(0, f.refCount());
    }

    @Test
    void aReleasedFrameCannotBeRetainedOrReleasedAgain() {
        Owner owner = new Owner();
        Frame f = pooled(owner);
        f.release();
        assertFalse(f.tryRetain(), "a late reader must not resurrect reused bytes");
        assertThrows(IllegalStateException.class, f::retain);
        assertThrows(IllegalStateException.class, f::release);
        assertThrows(IllegalStateException.class, () -> f.retimed(80, 0));
        assertEquals(0, f.refCount());
        assertEquals(1, owner.returned, "exactly once");
    }

    @Test
    void aRetimedFrameHoldsThePayloadOnItsOwn() {
        Owner owner = new Owner();
        Frame f = pooled(owner);
        Frame later = f.retimed(1000, Frame.DISCONTINUITY);
        assertEquals(2, owner.refs, "one per frame");
        f.release();
        assertEquals(0, owner.returned, "the retimed frame still reads the payload");
        assertEquals(1000, later.dts());
        assertTrue(later.isDiscontinuity());
        later.release();
        assertEquals(1, owner.returned);
    }

    @Test
    void framesWithoutAnOwnerCountNothing() {
        Frame f = Frame.media(0, Codec.H264, 0, 0, true, ByteBuffer.allocate(4));
        assertFalse(f.isPooled());
        f.release();
        f.release();
        assertTrue(f.tryRetain());
        assertSame(f, f.retain());
        assertEquals(1, f.refCount());
        assertEquals(4, f.payload().remaining(), "still readable: nothing was pooled");
        Frame config = Frame.config(0, Codec.AAC, 0, ByteBuffer.allocate(2));
        config.release();
        assertFalse(config.isPooled());
    }
}
