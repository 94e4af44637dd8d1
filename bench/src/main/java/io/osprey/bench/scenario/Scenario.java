package io.osprey.bench.scenario;

import io.osprey.bench.Options;
import io.osprey.bench.flv.FlvSource;
import io.osprey.bench.report.Result;
import io.osprey.bench.server.Server;
import java.net.InetSocketAddress;

/** One benchmark scenario, run against one started server at a time. */
public abstract class Scenario {

    protected final Options o;
    protected final FlvSource source;

    protected Scenario(Options o, FlvSource source) {
        this.o = o;
        this.source = source;
    }

    public abstract String name();

    /** Before {@code server} starts: a scenario that needs more than the server (a Redis, say) sets it up here. */
    public void prepare(Server server) throws Exception {
    }

    /** After the run against a server (also when it failed): stops whatever {@link #prepare} or the run started. */
    public void finish() throws Exception {
    }

    /** Runs against {@code server} (already started) and returns its figures; stops every client it started. */
    public abstract Result run(Server server) throws Exception;

    /** Where viewers connect for {@code protocol}: the server's HTTP or RTMP port. */
    protected static InetSocketAddress viewerTarget(Server server, Clients.Protocol protocol) {
        return new InetSocketAddress(Server.HOST, protocol == Clients.Protocol.RTMP ? server.rtmpPort()
                : server.httpPort());
    }

    protected static double toMb(long bytes) {
        return Math.round(bytes / 1024.0 / 1024.0 * 10) / 10.0;
    }

    protected static void sleepSeconds(double s) throws InterruptedException {
        Thread.sleep((long) (s * 1000));
    }

    protected static void log(String fmt, Object... args) {
        System.out.println("  " + String.format(java.util.Locale.ROOT, fmt, args));
    }
}
