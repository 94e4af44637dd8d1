package io.osprey.plugin.transcode;

import io.osprey.spi.bus.DemandRequest;
import io.osprey.spi.bus.MediaBus;
import io.osprey.spi.bus.StreamKey;
import io.osprey.spi.bus.StreamProvider;
import io.osprey.spi.bus.StreamView;
import io.osprey.spi.bus.StreamWatcher;
import io.osprey.spi.worker.Workers;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every running ladder, keyed by source. As a {@link StreamProvider} it starts a source's ladder when a viewer asks
 * for one of its renditions ({@code live/cam_480p}) and names the renditions of a source
 * ({@link #variants}, for master playlists); as a {@link StreamWatcher} it starts ladders at publish when
 * {@code onDemand} is false. At most {@code maxLadders} run: a further start is refused and logged, the source is
 * served as it is. {@link #check} (every second) stops on-demand ladders nobody watched for {@code idleStopMs}.
 */
final class Ladders implements StreamProvider, StreamWatcher {

    private static final System.Logger LOG = System.getLogger(Ladders.class.getName());

    private final TranscodeConfig config;
    private final MediaBus bus;
    private final Workers workers;
    private final CompletableFuture<String> encoder;
    private final Ladder.Restarter restarter;
    private final Map<StreamKey, Ladder> running = new ConcurrentHashMap<>();
    private volatile long refused;

    Ladders(TranscodeConfig config, MediaBus bus, Workers workers, CompletableFuture<String> encoder,
            Ladder.Restarter restarter) {
        this.config = config;
        this.bus = bus;
        this.workers = workers;
        this.encoder = encoder;
        this.restarter = restarter;
    }

    @Override
    public CompletionStage<?> provide(StreamKey key, DemandRequest request) {
        int cut = key.name().lastIndexOf('_');
        if (cut <= 0) {
            return null;
        }
        String name = key.name().substring(cut + 1);
        List<TranscodeConfig.Rendition> ladder = config.ladder(key.app());
        if (ladder.stream().noneMatch(r -> r.name.equals(name))) {
            return null;
        }
        StreamKey source = new StreamKey(key.app(), key.name().substring(0, cut));
        StreamView s = bus.stream(source).orElse(null);
        if (s == null || s.isEnded()) {
            return CompletableFuture.failedFuture(new IllegalStateException("source " + source + " is not live"));
        }
        // the encoder is known a moment after start; until then the demand waits for it
        return encoder.thenCompose(e -> start(source, ladder).published);
    }

    @Override
    public List<StreamKey> variants(StreamKey source) {
        List<TranscodeConfig.Rendition> ladder = config.ladder(source.app());
        if (ladder.isEmpty() || isRendition(source, ladder)) {
            return List.of();
        }
        List<StreamKey> out = new ArrayList<>();
        for (TranscodeConfig.Rendition r : ladder) {
            String n = source.name() + "_" + r.name;
            if (StreamKey.isValidPart(n)) {
                out.add(new StreamKey(source.app(), n));
            }
        }
        return out;
    }

    /** Whether {@code key} looks like a rendition of a live source ({@code cam_480p} while {@code cam} is live). */
    private boolean isRendition(StreamKey key, List<TranscodeConfig.Rendition> ladder) {
        int cut = key.name().lastIndexOf('_');
        if (cut <= 0) {
            return false;
        }
        String name = key.name().substring(cut + 1);
        return ladder.stream().anyMatch(r -> r.name.equals(name))
                && bus.stream(new StreamKey(key.app(), key.name().substring(0, cut))).isPresent();
    }

    @Override
    public void onStreamStarted(StreamView stream) {
        List<TranscodeConfig.Rendition> ladder = config.ladder(stream.key().app());
        if (!config.onDemand && !ladder.isEmpty() && !"transcode".equals(stream.publisherProtocol())
                && !isRendition(stream.key(), ladder) && variants(stream.key()).size() == ladder.size()) {
            encoder.thenAccept(e -> start(stream.key(), ladder));
        }
    }

    /** The running ladder of {@code source}, started if there is none (or a refused one if over the cap). */
    private synchronized Ladder start(StreamKey source, List<TranscodeConfig.Rendition> ladder) {
        Ladder old = running.get(source);
        if (old != null && !old.stopped()) {
            return old;
        }
        if (running.size() - (old != null ? 1 : 0) >= config.maxLadders) {
            refused++;
            LOG.log(Level.WARNING, "transcode {0}: refused, maxLadders ({1}) ladders are running; the source is "
                    + "served without renditions", source, config.maxLadders);
            Ladder refusal = new Ladder(source, ladder, bus, workers, config, "", restarter, done -> { });
            refusal.published.completeExceptionally(new IllegalStateException("transcode: maxLadders ("
                    + config.maxLadders + ") reached; " + source + " is served without renditions"));
            return refusal;
        }
        Ladder l = new Ladder(source, ladder, bus, workers, config, encoder.join(), restarter,
                done -> running.remove(done.source, done));
        running.put(source, l);
        LOG.log(Level.INFO, "transcode {0}: starting ladder {1} with {2}", source, names(ladder), encoder.join());
        l.start();
        return l;
    }

    /** Every second: figures, stalls, and on-demand ladders nobody watches. */
    void check() {
        for (Ladder l : running.values()) {
            l.check();
            if (config.onDemand && l.ageMs() > config.idleStopMs && l.renditions.stream()
                    .noneMatch(r -> bus.watched(RenditionDemux.key(l.source, r), config.idleStopMs))) {
                l.stop("no viewer for " + config.idleStopMs + " ms");
            }
        }
    }

    void stopAll(String reason) {
        running.values().forEach(l -> l.stop(reason));
    }

    int count() {
        return running.size();
    }

    long refused() {
        return refused;
    }

    Map<String, Object> json() {
        List<Object> ladders = new ArrayList<>();
        for (Ladder l : running.values()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("source", l.source.app() + "/" + l.source.name());
            m.put("renditions", names(l.renditions));
            m.put("pid", (double) l.pid());
            m.put("restarts", (double) l.restarts());
            m.put("uptimeMs", (double) l.ageMs());
            m.putAll(l.stats.json(l.renditions));
            ladders.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("encoder", encoder.getNow(""));
        out.put("onDemand", config.onDemand);
        out.put("maxLadders", (double) config.maxLadders);
        out.put("refused", (double) refused);
        out.put("configured", config.names());
        out.put("ladders", ladders);
        return out;
    }

    private static List<String> names(List<TranscodeConfig.Rendition> ladder) {
        return ladder.stream().map(r -> r.name).toList();
    }
}
