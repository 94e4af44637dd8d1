package io.osprey.plugin.transcode;

import io.osprey.spi.Plugin;
import io.osprey.spi.PluginContext;
import io.osprey.spi.worker.Tool;
import io.osprey.spi.worker.WorkerSpec;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * An H.264 rendition ladder per stream ({@code plugins.transcode.ladders.<app>}): each source with a ladder gets one
 * supervised ffmpeg child that decodes it once and publishes every rendition as the bus stream
 * {@code {app}/{stream}_{name}} (playable, recordable and protected like any stream). Started on demand by a
 * viewer of a rendition or of the HLS master playlist (the hls plugin learns the ladder through
 * {@code MediaBus.variants}), or at every publish with {@code onDemand: false}. Figures at {@code /api/transcode}
 * and {@code osprey_transcode_*}.
 */
public final class TranscodePlugin implements Plugin {

    private static final System.Logger LOG = System.getLogger(TranscodePlugin.class.getName());

    @Override
    public String id() {
        return "transcode";
    }

    @Override
    public Class<?> configType() {
        return TranscodeConfig.class;
    }

    @Override
    public void start(PluginContext ctx) {
        TranscodeConfig config = ctx.config(TranscodeConfig.class);
        // asked off the start path, and only when there is a ladder: a server without one pays nothing
        CompletableFuture<String> encoder = config.ladders.isEmpty()
                ? CompletableFuture.completedFuture(config.encoder) : encoder(ctx, config.encoder);
        encoder.whenComplete((e, t) -> {
            if (t != null) {
                LOG.log(Level.ERROR, "transcode: no usable H.264 encoder, ladders are refused: " + t.getMessage());
            } else {
                LOG.log(Level.INFO, "transcode: encoder {0}, ladders for {1}, onDemand {2}, maxLadders {3}", e,
                        config.ladders.keySet(), config.onDemand, config.maxLadders);
            }
        });
        Ladders ladders = new Ladders(config, ctx.bus(), ctx.workers(), encoder,
                (ms, task) -> ctx.scheduler().schedule(task, ms, TimeUnit.MILLISECONDS));
        ctx.bus().provide(ladders);
        ctx.bus().watch(ladders);
        ctx.scheduler().scheduleWithFixedDelay(ladders::check, 1, 1, TimeUnit.SECONDS);
        ctx.http().adminRoute(TranscodeHandler.PATH, new TranscodeHandler(ladders));
        ctx.metrics().gauge("osprey_transcode_ladders", "Rendition ladders running now", ladders::count);
        ctx.metrics().gauge("osprey_transcode_refused", "Ladder starts refused by maxLadders since start",
                ladders::refused);
        ctx.onStop(() -> ladders.stopAll("plugin stopping"));
    }

    /**
     * The H.264 encoder: the configured one, or with {@code auto} libx264 when the bundled natives have it (the GPL
     * build profile) and libopenh264 otherwise (the default LGPL natives). Asks {@code ffmpeg -encoders} once.
     */
    private static CompletableFuture<String> encoder(PluginContext ctx, String configured) {
        return ctx.workers().run(WorkerSpec.of(Tool.FFMPEG, "transcode encoders", List.of("-encoders"))
                .withTimeoutMs(30_000), 1 << 20).toCompletableFuture().thenApply(r -> {
                    String list = r.stdoutText();
                    boolean x264 = list.contains(" libx264 ");
                    boolean openh264 = list.contains(" libopenh264 ");
                    String chosen = configured.equals("auto") ? (x264 ? "libx264" : "libopenh264") : configured;
                    if (!list.contains(" " + chosen + " ")) {
                        throw new IllegalStateException("plugins.transcode.encoder: the bundled ffmpeg has no "
                                + chosen + " encoder (libx264: " + x264 + ", libopenh264: " + openh264 + ")");
                    }
                    return chosen;
                });
    }
}
