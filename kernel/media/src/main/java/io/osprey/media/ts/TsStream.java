package io.osprey.media.ts;

import io.osprey.media.codec.AacConfig;
import io.osprey.media.codec.AvcConfig;
import io.osprey.media.codec.CodecException;
import io.osprey.media.codec.HevcConfig;
import io.osprey.spi.bus.Codec;
import io.osprey.spi.bus.TrackInfo;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** One elementary stream of the muxer: its PID, continuity counter and what its config says (2.4.3.3). */
final class TsStream {
    final int pid;
    final StreamType type;
    TrackInfo track;
    int cc;
    int nalLengthSize = 4;
    byte[] parameterSets = new byte[0];
    AacConfig aac;

    TsStream(int pid, TrackInfo track, StreamType type) {
        this.pid = pid;
        this.type = type;
        apply(track);
    }

    void apply(TrackInfo t) {
        track = t;
        applyConfig(t.config());
    }

    /** Takes parameter sets or an AudioSpecificConfig from a config record; a malformed one is ignored. */
    void applyConfig(ByteBuffer config) {
        if (!config.hasRemaining()) {
            return;
        }
        try {
            Codec codec = track.codec();
            if (codec == Codec.H264) {
                AvcConfig c = AvcConfig.parse(config);
                List<ByteBuffer> units = new ArrayList<>(c.sps());
                units.addAll(c.pps());
                parameterSets = AnnexBAccessUnit.parameterSets(units);
                nalLengthSize = c.nalLengthSize();
            } else if (codec == Codec.H265) {
                HevcConfig c = HevcConfig.parse(config);
                List<ByteBuffer> units = new ArrayList<>(c.vps());
                units.addAll(c.sps());
                units.addAll(c.pps());
                parameterSets = AnnexBAccessUnit.parameterSets(units);
                nalLengthSize = c.nalLengthSize();
            } else if (codec == Codec.AAC) {
                aac = AacConfig.parse(config);
            }
        } catch (CodecException malformed) {
            // keep what we had: frames may still carry in-band parameter sets
        }
    }
}
