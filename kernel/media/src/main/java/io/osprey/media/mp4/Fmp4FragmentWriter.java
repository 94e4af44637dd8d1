package io.osprey.media.mp4;

import io.osprey.spi.bus.Frame;
import io.osprey.spi.bus.MediaKind;
import io.osprey.spi.bus.TrackInfo;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Accumulates the frames of one or more tracks and writes them as one movie fragment, {@code moof} + {@code mdat}
 * (ISO 14496-12 8.8), matching the init segment {@link Fmp4InitWriter} writes for the same track list.
 *
 * <p>Each sample's duration is the next sample's DTS minus its own on the track's timeline; the last sample of a
 * fragment takes the previous duration (or the track's default). Negative steps become 0, so backward timestamps
 * never wrap (HOSTILE-INPUTS B8). AAC and MP3 durations within a millisecond of the codec's frame length snap to
 * it, undoing the rounding of millisecond bus timestamps. {@code tfdt} is taken from each fragment's first DTS,
 * so no error accumulates across fragments. Not thread-safe.
 */
public final class Fmp4FragmentWriter {
    private final List<Fmp4Track> tracks;
    private final List<List<Frame>> pending;
    private final int[] lastDuration;

    public Fmp4FragmentWriter(List<TrackInfo> tracks) {
        this.tracks = Fmp4Track.of(tracks);
        this.pending = new ArrayList<>(this.tracks.size());
        this.lastDuration = new int[this.tracks.size()];
        for (Fmp4Track t : this.tracks) {
            pending.add(new ArrayList<>());
            lastDuration[t.trackId() - 1] = t.defaultDuration();
        }
    }

    public List<Fmp4Track> tracks() {
        return tracks;
    }

    /** Queues a media frame of one of the tracks; false (ignored) for configs, data and unknown tracks. */
    public boolean add(Frame frame) {
        if (frame.isConfig()) {
            return false;
        }
        for (Fmp4Track t : tracks) {
            TrackInfo info = t.info();
            if (info.codec() == frame.codec() && info.id() == frame.track()) {
                pending.get(t.trackId() - 1).add(frame);
                return true;
            }
        }
        return false;
    }

    public boolean isEmpty() {
        return sampleCount() == 0;
    }

    public int sampleCount() {
        int n = 0;
        for (List<Frame> p : pending) {
            n += p.size();
        }
        return n;
    }

    /** Writes the queued samples as {@code moof} + {@code mdat} with {@code mfhd.sequence_number} and clears them. */
    public ByteBuffer fragment(int sequenceNumber) {
        List<TrackRunBox> runs = new ArrayList<>();
        long mdatSize = 0;
        for (Fmp4Track t : tracks) {
            List<Frame> frames = pending.get(t.trackId() - 1);
            if (frames.isEmpty()) {
                continue;
            }
            TrackRunBox run = run(t, frames);
            runs.add(run);
            for (Frame f : frames) {
                mdatSize += f.size();
            }
        }
        long moofSize = moof(sequenceNumber, runs).size();
        int header = MediaDataBox.headerSize(mdatSize);
        if (moofSize + header + mdatSize > Integer.MAX_VALUE - 16) {
            throw new IllegalStateException("fragment of " + (moofSize + mdatSize) + " bytes");
        }
        long offset = moofSize + header;
        for (int i = 0; i < runs.size(); i++) {
            TrackRunBox run = runs.get(i);
            runs.set(i, run.withDataOffset((int) offset));
            int[] sizes = run.sizes();
            for (int s : sizes) {
                offset += s;
            }
        }
        ByteBuffer out = ByteBuffer.allocate((int) (moofSize + header + mdatSize));
        moof(sequenceNumber, runs).write(out);
        MediaDataBox.writeHeader(out, mdatSize);
        for (List<Frame> frames : pending) {
            for (Frame f : frames) {
                out.put(f.payload());
            }
            frames.clear();
        }
        return out.flip().asReadOnlyBuffer();
    }

    private MovieFragmentBox moof(int sequenceNumber, List<TrackRunBox> runs) {
        List<Box> trafs = new ArrayList<>(1 + runs.size());
        trafs.add(new MovieFragmentHeaderBox(sequenceNumber));
        int r = 0;
        for (Fmp4Track t : tracks) {
            List<Frame> frames = pending.get(t.trackId() - 1);
            if (frames.isEmpty()) {
                continue;
            }
            boolean video = t.info().kind() == MediaKind.VIDEO;
            long base = Math.max(0, t.ticks(frames.get(0).dts()));
            trafs.add(new TrackFragmentBox(
                    TrackFragmentHeaderBox.moofRelative(t.trackId(), video ? null : TrackRunBox.SYNC_SAMPLE),
                    new TrackFragmentBaseMediaDecodeTimeBox(base), runs.get(r++)));
        }
        return new MovieFragmentBox(trafs);
    }

    /** Durations from DTS steps, sizes, and for video sync flags and composition offsets. */
    private TrackRunBox run(Fmp4Track t, List<Frame> frames) {
        int n = frames.size();
        boolean video = t.info().kind() == MediaKind.VIDEO;
        int[] durations = new int[n];
        int[] sizes = new int[n];
        int[] flags = video ? new int[n] : null;
        int[] offsets = video ? new int[n] : null;
        int previous = lastDuration[t.trackId() - 1];
        for (int i = 0; i < n; i++) {
            Frame f = frames.get(i);
            long dts = t.ticks(f.dts());
            int duration = previous;
            if (i + 1 < n) {
                long step = t.ticks(frames.get(i + 1).dts()) - dts;
                duration = (int) Math.max(0, Math.min(step, Integer.MAX_VALUE));
                if (t.frameDuration() > 0 && Math.abs(duration - t.frameDuration()) <= t.timescale() / 1000 + 1) {
                    duration = t.frameDuration();
                }
            }
            durations[i] = duration;
            previous = duration;
            sizes[i] = f.size();
            if (video) {
                flags[i] = f.isKey() ? TrackRunBox.SYNC_SAMPLE : TrackRunBox.NON_SYNC_SAMPLE;
                long offset = t.ticks(f.pts()) - dts;
                offsets[i] = (int) Math.max(Integer.MIN_VALUE, Math.min(offset, Integer.MAX_VALUE));
            }
        }
        lastDuration[t.trackId() - 1] = previous;
        return new TrackRunBox(n, 0, durations, sizes, flags, offsets);
    }
}
