package io.osprey.kernel.plugin;

import io.osprey.kernel.access.KernelAccessControl;
import io.osprey.kernel.http.AdminAuth;
import io.osprey.kernel.metrics.HealthRegistry;
import io.osprey.kernel.bus.Bus;
import io.osprey.kernel.http.JettyHost;
import io.osprey.kernel.recording.KernelRecordings;
import io.osprey.kernel.source.ResolverRegistry;
import io.osprey.kernel.worker.WorkerHost;
import io.osprey.spi.ServerInfo;
import io.osprey.spi.cluster.ClusterRegistry;
import io.osprey.spi.cluster.SharedCounters;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.concurrent.ScheduledExecutorService;

/** What the kernel shares with every plugin context. */
public record KernelServices(Bus bus, JettyHost host, KernelAccessControl access, PrometheusRegistry registry,
                             HealthRegistry health, ScheduledExecutorService scheduler, ServerInfo server,
                             AdminAuth adminAuth, KernelRecordings recordings, SharedCounters counters,
                             WorkerHost workers, ResolverRegistry resolvers,
                             ClusterRegistry cluster) {
}
