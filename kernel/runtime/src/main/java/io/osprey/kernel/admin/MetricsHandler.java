package io.osprey.kernel.admin;

import io.osprey.kernel.bus.Bus;
import io.osprey.kernel.bus.SessionViewers;
import io.osprey.kernel.plugin.PluginManager;
import io.osprey.kernel.plugin.PluginState;
import io.osprey.kernel.plugin.PluginStatus;
import io.osprey.media.buffer.DirectPool;
import io.osprey.spi.bus.StreamView;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** {@code /metrics}: Prometheus text, with the kernel's stream, viewer, byte and plugin-state metrics and the JVM's. */
public final class MetricsHandler extends Handler.Abstract {

    private final PrometheusRegistry registry;
    private final ExpositionFormats formats = ExpositionFormats.init();

    public MetricsHandler(PrometheusRegistry registry, Bus bus, PluginManager plugins) {
        this.registry = registry;
        JvmMetrics.builder().register(registry);
        GaugeWithCallback.builder().name("osprey_streams").help("Live streams (including those in reconnect grace)")
                .callback(cb -> cb.call(bus.streams().size())).register(registry);
        GaugeWithCallback.builder().name("osprey_viewers").help("Current viewers by protocol").labelNames("protocol")
                .callback(cb -> {
                    Map<String, Integer> byProtocol = new TreeMap<>();
                    SessionViewers sessions = SessionViewers.of(bus);
                    for (StreamView s : bus.streams()) {
                        sessions.stats(s).viewers().forEach((p, n) -> byProtocol.merge(p, n, Integer::sum));
                    }
                    byProtocol.forEach((p, n) -> cb.call(n, p));
                }).register(registry);
        CounterWithCallback.builder().name("osprey_bytes_in").help("Media payload bytes published")
                .callback(cb -> cb.call(bus.bytesIn())).register(registry);
        CounterWithCallback.builder().name("osprey_frames_in").help("Frames published")
                .callback(cb -> cb.call(bus.framesIn())).register(registry);
        CounterWithCallback.builder().name("osprey_bytes_out").help("Bytes written to viewers by outputs")
                .callback(cb -> cb.call(bus.bytesOut())).register(registry);
        CounterWithCallback.builder().name("osprey_frames_dropped").help("Frames skipped for slow subscribers")
                .callback(cb -> cb.call(bus.framesDropped())).register(registry);
        GaugeWithCallback.builder().name("osprey_bus_ring_bytes")
                .help("Media payload bytes the live streams' rings retain (for joining viewers and slow packagers)")
                .callback(cb -> cb.call(bus.ringBytes())).register(registry);
        DirectPool pool = DirectPool.shared();
        GaugeWithCallback.builder().name("osprey_direct_pool_idle_bytes")
                .help("Direct media buffers released and waiting for reuse")
                .callback(cb -> cb.call(pool.idleBytes())).register(registry);
        CounterWithCallback.builder().name("osprey_direct_pool_allocated_bytes")
                .help("Direct media buffer bytes allocated fresh (not reused)")
                .callback(cb -> cb.call(pool.allocatedBytes())).register(registry);
        CounterWithCallback.builder().name("osprey_direct_pool_reused")
                .help("Direct media buffers taken from the pool instead of allocated")
                .callback(cb -> cb.call(pool.reused())).register(registry);
        CounterWithCallback.builder().name("osprey_direct_pool_freed_bytes")
                .help("Idle direct media buffer bytes the periodic trim gave back to the OS")
                .callback(cb -> cb.call(pool.freedBytes())).register(registry);
        GaugeWithCallback.builder().name("osprey_plugin_state").help("1 for the state each plugin is in")
                .labelNames("plugin", "state").callback(cb -> {
                    for (PluginStatus p : plugins.list()) {
                        for (PluginState s : PluginState.values()) {
                            cb.call(p.state() == s ? 1 : 0, p.id(), s.label());
                        }
                    }
                }).register(registry);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16384);
        formats.getPrometheusTextFormatWriter().write(out, registry.scrape());
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, ByteBuffer.wrap(out.toByteArray()), callback);
        return true;
    }
}
