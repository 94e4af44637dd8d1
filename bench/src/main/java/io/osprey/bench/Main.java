package io.osprey.bench;

import io.osprey.bench.flv.FlvSource;
import io.osprey.bench.report.Report;
import io.osprey.bench.report.Result;
import io.osprey.bench.scenario.CleanupScan;
import io.osprey.bench.scenario.Cluster;
import io.osprey.bench.scenario.Clients;
import io.osprey.bench.scenario.Fanout;
import io.osprey.bench.scenario.HlsServe;
import io.osprey.bench.scenario.Ingest;
import io.osprey.bench.scenario.Latency;
import io.osprey.bench.scenario.Passthrough;
import io.osprey.bench.scenario.PushMemory;
import io.osprey.bench.scenario.Scenario;
import io.osprey.bench.scenario.Soak;
import io.osprey.bench.scenario.Sources;
import io.osprey.bench.scenario.Transcode;
import io.osprey.bench.server.NginxServer;
import io.osprey.bench.server.NmsServer;
import io.osprey.bench.server.OspreyServer;
import io.osprey.bench.server.PeerUnavailableException;
import io.osprey.bench.server.Server;
import io.osprey.bench.server.SrsServer;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code bench/run.sh SCENARIO [options]}: runs the scenario against Osprey and each requested peer in turn (one
 * server at a time, so they never compete for the CPU), prints the markdown table and writes it with a JSON copy.
 * Builds nothing: run {@code mvn -q -DskipTests package} first.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || java.util.Arrays.asList(args).contains("--help")
                || java.util.Arrays.asList(args).contains("-h")) {
            System.out.println(Options.USAGE);
            return;
        }
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage() + "\n\n" + Options.USAGE);
            System.exit(2);
            return;
        }
        Path media = o.media != null ? o.media : MediaGen.ensure(o.target().resolve("media"));
        if (o.scenario.equals("media")) {
            System.out.println(media);
            return;
        }
        Report report = run(o, FlvSource.load(media));
        String md = report.markdown();
        System.out.println();
        System.out.println(md);
        Path file = report.write(o.out);
        System.out.println("written: " + file + " (+ .json)");
    }

    /** Runs the scenario against every server in turn and returns the report (also used by the tests). */
    public static Report run(Options o, FlvSource source) throws Exception {
        Report report = new Report(o.commandLine);
        Scenario scenario = scenario(o, source);
        Path work = o.target().resolve("work").resolve(LocalDateTime.now()
                .format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-" + o.scenario);
        AtomicReference<Server> current = new AtomicReference<>();
        Thread hook = new Thread(() -> {
            Server s = current.get();
            if (s != null) {
                try {
                    s.close();
                } catch (InterruptedException ignored) {
                    // exiting
                }
            }
        });
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            List<String> servers = new ArrayList<>();
            if (o.osprey) {
                servers.add("osprey");
            }
            servers.addAll(o.peers);
            System.out.println("bench " + o.scenario + ": " + String.join(", ", servers) + "; media "
                    + source.file().getFileName() + String.format(java.util.Locale.ROOT, " (%.0f kbit/s, %.0f s)",
                    source.bitsPerSecond() / 1000, source.durationMs() / 1000.0));
            for (String name : servers) {
                Server server;
                try {
                    server = server(name, o, work.resolve(name));
                } catch (PeerUnavailableException e) {
                    System.out.println("  " + e.getMessage());
                    report.add(Result.unavailable(name, scenario.name(), e.getMessage()));
                    continue;
                }
                current.set(server);
                try {
                    System.out.println("  starting " + name + " (work folder " + work.resolve(name) + ")");
                    scenario.prepare(server);
                    server.start();
                    report.add(scenario.run(server));
                } catch (Exception e) {
                    System.out.println("  " + name + " failed: " + e.getMessage());
                    report.add(new Result(name, scenario.name(), "").fail(String.valueOf(e.getMessage())
                            .lines().findFirst().orElse("?")));
                } finally {
                    try {
                        scenario.finish();
                    } catch (Exception e) {
                        System.out.println("  cleaning up after " + name + " failed: " + e);
                    }
                    server.close();
                    current.set(null);
                }
            }
        } finally {
            Runtime.getRuntime().removeShutdownHook(hook);
        }
        return report;
    }

    static Scenario scenario(Options o, FlvSource source) {
        return switch (o.scenario) {
            case "fanout-flv" -> new Fanout(o, source, Clients.Protocol.FLV);
            case "fanout-ws" -> new Fanout(o, source, Clients.Protocol.WS);
            case "fanout-rtmp" -> new Fanout(o, source, Clients.Protocol.RTMP);
            case "ingest" -> new Ingest(o, source);
            case "hls-serve" -> new HlsServe(o, source);
            case "soak" -> new Soak(o, source);
            case "push-memory" -> new PushMemory(o, source);
            case "cleanup-scan" -> new CleanupScan(o, source);
            case "passthrough" -> new Passthrough(o, source);
            case "sources" -> new Sources(o, source);
            case "cluster" -> new Cluster(o, source);
            case "transcode" -> new Transcode(o, source);
            case "latency" -> new Latency(o, source);
            default -> throw new IllegalArgumentException(o.scenario);
        };
    }

    static Server server(String name, Options o, Path work) throws Exception {
        return switch (name) {
            case "osprey" -> {
                List<String> sets = new ArrayList<>(o.ospreySets);
                // hls-serve: Osprey's default selectors (one per core), as a user gets them (issue 24); set
                // server.http.selectors with --osprey-set to compare like for like with --nginx-workers
                if ("latency".equals(o.scenario)
                        && sets.stream().noneMatch(s -> s.startsWith("plugins.hls.apps.ll."))) {
                    sets.add("plugins.hls.apps.ll.format=fmp4"); // LL-HLS: fMP4 with parts (on by default for fMP4)
                }
                if ("passthrough".equals(o.scenario)
                        && sets.stream().noneMatch(s -> s.startsWith("plugins.pass-through-muxer.allowPrivate="))) {
                    sets.add("plugins.pass-through-muxer.allowPrivate=true"); // the source is on loopback
                }
                if ("transcode".equals(o.scenario)
                        && sets.stream().noneMatch(s -> s.startsWith("plugins.transcode.ladders."))) {
                    sets.add("plugins.transcode.ladders." + o.app + "=" + Transcode.LADDER);
                }
                yield new OspreyServer(work, o.ospreyHome, o.ospreyHls, o.ospreyJavaOpts, sets);
            }
            case "nms" -> {
                Path peers = o.target().resolve("peers");
                NmsServer.check(peers, o.installPeers);
                yield new NmsServer(work, peers);
            }
            case "nginx" -> {
                NginxServer.check();
                yield new NginxServer(work, o.nginxWorkers);
            }
            case "srs" -> new SrsServer(work, SrsServer.find(o.target().resolve("peers")));
            default -> throw new IllegalArgumentException(name);
        };
    }
}
