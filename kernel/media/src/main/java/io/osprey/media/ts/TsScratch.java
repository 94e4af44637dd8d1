package io.osprey.media.ts;

/**
 * Working memory for muxing one frame: the frame's TS packets and its access unit rewritten as Annex B (each 64 KiB
 * to start, grown for larger frames). It is needed only while one frame is muxed, so writers that never mux at the
 * same moment may share one instead of holding about 128 KiB each: a server packaging 500 streams on a few threads
 * keeps one per thread (see {@link TsSegmentWriter#TsSegmentWriter(TsMuxer, io.osprey.media.buffer.DirectPool,
 * java.util.function.Supplier)}). Not thread-safe.
 *
 * @since ts 2.1
 */
public final class TsScratch {
    final TsBuffer packets = new TsBuffer(64 * 1024);
    byte[] accessUnit = new byte[64 * 1024];

    public TsScratch() {
    }
}
