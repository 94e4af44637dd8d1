package io.osprey.plugin.httpflv;

import io.osprey.media.flv.FlvHeader;
import io.osprey.media.flv.FlvMedia;
import io.osprey.spi.access.Admission;
import io.osprey.spi.bus.Frame;
import io.osprey.spi.bus.MediaKind;
import io.osprey.spi.bus.StreamView;
import io.osprey.spi.bus.Subscription;
import io.osprey.spi.bus.SubscriptionListener;
import io.osprey.spi.bus.TrackInfo;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * One HTTP-FLV viewer: polls what the bus has for it, writes it as one chunk, and asks for more when the write
 * completes, so at most one write is in flight and the bus's lag bounds apply. Each frame's FLV tag is built once
 * per stream ({@link Frame#memo}) and shared by every viewer.
 */
final class FlvViewer implements SubscriptionListener, Callback {

    static final Frame.Memo<ByteBuffer> FLV_TAG = new Frame.Memo<>("flv-tag");
    private static final int BATCH = 128;

    private final Response response;
    private final Callback done;
    private final Admission admission;
    private final Consumer<FlvViewer> onEnd;
    private final boolean video;
    private final boolean audio;
    private final List<Frame> batch = new ArrayList<>(BATCH);
    private volatile Subscription sub;
    private volatile boolean finished;
    private int lastWrite;

    FlvViewer(Response response, Callback done, Admission admission, Consumer<FlvViewer> onEnd, boolean video,
              boolean audio) {
        this.response = response;
        this.done = done;
        this.admission = admission;
        this.onEnd = onEnd;
        this.video = video;
        this.audio = audio;
    }

    /** Writes the FLV header and metadata, then starts pulling frames. */
    void begin(Subscription s) {
        this.sub = s;
        StreamView stream = s.stream();
        boolean hasVideo = video && stream.tracks().stream().anyMatch(t -> t.kind() == MediaKind.VIDEO);
        boolean hasAudio = audio && stream.tracks().stream().anyMatch(t -> t.kind() == MediaKind.AUDIO);
        byte[] header = FlvHeader.bytes(hasAudio || !hasVideo, hasVideo || !hasAudio);
        ByteBuffer meta = FlvMedia.metadataTag(metadata(stream));
        ByteBuffer first = ByteBuffer.allocate(header.length + meta.remaining());
        first.put(header).put(meta).flip();
        write(first);
    }

    private static Map<String, Object> metadata(StreamView stream) {
        Map<String, Object> md = new LinkedHashMap<>(stream.metadata());
        md.remove("duration");
        md.remove("filesize");
        for (TrackInfo t : stream.tracks()) {
            if (t.kind() == MediaKind.VIDEO && t.id() == 0) {
                if (t.width() > 0) {
                    md.put("width", (double) t.width());
                    md.put("height", (double) t.height());
                }
                if (t.frameRate() > 0) {
                    md.put("framerate", t.frameRate());
                }
            } else if (t.kind() == MediaKind.AUDIO && t.id() == 0 && t.sampleRate() > 0) {
                md.put("audiosamplerate", (double) t.sampleRate());
                md.put("stereo", t.channels() > 1);
            }
        }
        md.put("server", "Osprey");
        return md;
    }

    @Override
    public void onReadable(Subscription s) {
        if (finished) {
            return;
        }
        batch.clear();
        int n = s.poll(batch, BATCH);
        if (n < 0) {
            finish(null);
            return;
        }
        if (n == 0) {
            s.demand();
            return;
        }
        StreamView stream = s.stream();
        List<TrackInfo> tracks = stream.tracks();
        int total = 0;
        ByteBuffer single = null;
        List<ByteBuffer> tags = new ArrayList<>(n);
        for (Frame f : batch) {
            ByteBuffer tag = f.memo(FLV_TAG, fr -> FlvMedia.tag(fr, track(tracks, fr))).duplicate();
            tags.add(tag);
            total += tag.remaining();
            single = tag;
        }
        batch.clear();
        if (tags.size() == 1) {
            write(single);
            return;
        }
        ByteBuffer out = ByteBuffer.allocate(total);
        for (ByteBuffer t : tags) {
            out.put(t);
        }
        out.flip();
        write(out);
    }

    private static TrackInfo track(List<TrackInfo> tracks, Frame f) {
        for (TrackInfo t : tracks) {
            if (t.kind() == f.kind() && t.id() == f.track()) {
                return t;
            }
        }
        return null;
    }

    private void write(ByteBuffer buf) {
        lastWrite = buf.remaining();
        response.write(false, buf, this);
    }

    @Override
    public void succeeded() {
        Subscription s = sub;
        if (s != null) {
            s.addBytesOut(lastWrite);
            if (!finished) {
                s.demand();
            }
        }
    }

    @Override
    public void failed(Throwable x) {
        finish(x);
    }

    @Override
    public InvocationType getInvocationType() {
        return InvocationType.NON_BLOCKING;
    }

    /** Ends the response abruptly (plugin stopping). */
    void abort(String reason) {
        finish(new EofException(reason));
    }

    private void finish(Throwable failure) {
        synchronized (this) {
            if (finished) {
                return;
            }
            finished = true;
        }
        Subscription s = sub;
        if (s != null) {
            s.close();
        }
        admission.release();
        onEnd.accept(this);
        if (failure == null) {
            response.write(true, null, done);
        } else {
            done.failed(failure);
        }
    }
}
