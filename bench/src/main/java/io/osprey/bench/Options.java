package io.osprey.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The command line: {@code SCENARIO [--option value]...}; see {@link #USAGE}. */
public final class Options {

    public static final String USAGE = """
            usage: bench/run.sh SCENARIO [options]      (build first: mvn -q -DskipTests package)
            scenarios:
              fanout-flv | fanout-ws | fanout-rtmp   one publisher, N viewers over HTTP-FLV / WebSocket-FLV / RTMP
              ingest                                  N publishers in real time
              hls-serve                               wrk at a live playlist and a segment
              soak                                    viewers joining and leaving, publishers reconnecting
              push-memory                             rounds of concurrent HTTP-FLV pushes: does RSS come back?
              cleanup-scan                            the cleanup plugin's scan of --files files in --sessions
                                                      recording sessions (dry runs; Osprey only)
              passthrough                             --downloads N concurrent pass-through downloads of a local
                                                      50 MB MP4 against the same ffmpeg command run bare (Osprey only)
              sources                                 --publishers N always-on looped file sources with AAC
                                                      conversion: CPU/RSS of JVM + workers vs the same ffmpeg
                                                      commands run bare (Osprey only)
              cluster                                 one origin (+ --edges N edges, default 2) on a local
                                              redis-server; N HTTP-FLV viewers spread over the edges, which
                                              pull from the origin: CPU per node, latency per tier (Osprey only)
              transcode                               one 720p25 ladder (480p + 360p): CPU of worker + JVM vs the same
                                                      ffmpeg command bare, speed, fps, added latency (Osprey only)
              latency                                 the bundled pages in headless chromium: how far behind
                                                      the publisher mpegts.js (HTTP-FLV, WS-FLV) and hls.js (HLS,
                                                      LL-HLS) show the picture, --duration s each (Osprey only)
              media                                   only make the test media (cached)
            options:
              --peer nms|nginx|srs     also run the scenario against a peer (repeatable, or comma-separated)
              --no-osprey              only the peers
              --install-peers          npm-install Node-Media-Server into bench/target/peers if missing
              --viewers N              viewers (fanout default 100, soak 50, ingest 0)
              --publishers N           publishers (ingest default 20, soak 2)
              --duration S             measuring window in seconds (default 20; soak 60; hls-serve: per URL 10)
              --ramp R                 viewers started per second (default 500); --publisher-ramp R (default 50)
              --warmup S               seconds between publish and the first viewer (default 3)
              --settle S               seconds between the last viewer and the window (default 2)
              --probe-ms MS            latency probe interval (default 100; 0 = none)
              --client-threads N       viewer loop threads in the bench (default 2)
              --media FILE             FLV to publish (default bench/target/media/bench-720p25-1M-2sgop.flv)
              --app A --stream S       stream name (default live/bench)
              --osprey DIR             Osprey distribution (default distribution/target/osprey)
              --osprey-hls PATH        Osprey's HLS playlist path (default /hls/{app}/{stream}/index.m3u8)
              --osprey-java-opts OPTS  OSPREY_JAVA_OPTS for the server (default: bin/osprey's)
              --osprey-set KEY=VALUE   extra --set for Osprey (repeatable)
              --nginx-workers N        nginx worker_processes (default 1; >1 turns on rtmp_auto_push)
              --wrk-threads N --wrk-connections N   wrk settings for hls-serve (default 1 and 50)
  --wrk-warmup S           hls-serve: unmeasured wrk run before each measured one, every server alike (default 3)
              --hls-wait S             hls-serve: how long to wait for the playlist (default 20)
              --hls-query Q            hls-serve: a query added to the playlist URL (e.g. a signed
                                       expires=...&sign=...; Osprey carries it to the segment URIs)
              --hls-segments N         hls-serve: segments the playlist should list before wrk starts (default 3)
              --churn S --churn-fraction F          soak: every S s (default 5) F of the viewers (0.2) leave and rejoin
              --files N --sessions N   cleanup-scan: files laid out (default 100000) in sessions (default 2000)
              --reconnect S            soak: publishers reconnect every S s (default 15)
              --sample S               soak: heap/RSS sample interval (default 5)
              --downloads N[,N...]     passthrough: concurrent downloads per step (default 1,4), --rounds times
                                       each (default 10: CPU is read in 10 ms ticks, one 50 MB download is +-5 %)
              --rounds N               push-memory: rounds (default 5) of --publishers (200) pushes of --duration (20) s;
                                       --settle S (default 30): idle seconds before the last RSS sample
              --edges N --origin-viewers N   cluster: edges (default 2); viewers on the origin itself, whose
                                       probes give the origin tier's latency (default 3)
              --out DIR                results folder (default bench/target/results)
            """;

    public String scenario;
    public final List<String> peers = new ArrayList<>();
    public boolean osprey = true;
    public boolean installPeers;
    public int viewers = -1;
    public int publishers = -1;
    public double duration = -1;
    /** cleanup-scan: files and sessions to lay out. */
    public int files = 100_000;
    public int sessions = 2_000;
    public double ramp = 500;
    public double publisherRamp = 50;
    public double warmup = 3;
    public double settle = -1;
    public int probeMs = 100;
    public int clientThreads = 2;
    /** Rounds; 0 (not given): each scenario's own default. */
    public int rounds = 0;
    /** passthrough: the numbers of concurrent downloads measured. */
    public final List<Integer> downloads = new ArrayList<>();
    public Path media;
    public String app = "live";
    public String stream = "bench";
    public Path root = Path.of("").toAbsolutePath();
    public Path ospreyHome;
    public String ospreyHls = "/hls/{app}/{stream}/index.m3u8";
    public String ospreyJavaOpts;
    public final List<String> ospreySets = new ArrayList<>();
    public int nginxWorkers = 1;
    public int wrkThreads = 1;
    public int wrkConnections = 50;
    public double churn = 5;
    public double churnFraction = 0.2;
    public double reconnect = 15;
    public double sample = 5;
    public double hlsWait = 20;
    public int hlsSegments = 3;
    public String hlsQuery = "";
    /** hls-serve: seconds of unmeasured wrk load before each measured run (the same for every server). */
    public double wrkWarmup = 3;
    /** cluster: edge nodes, and viewers on the origin itself (the first tier's latency). */
    public int edges = 2;
    public int originViewers = 3;
    public Path out;
    public String commandLine;

    public static Options parse(String... args) {
        Options o = new Options();
        StringBuilder cmd = new StringBuilder("bench/run.sh");
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--root")) {
                i++; // added by run.sh
            } else {
                cmd.append(' ').append(args[i]);
            }
        }
        o.commandLine = cmd.toString();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                if (o.scenario != null) {
                    throw new IllegalArgumentException("two scenarios: " + o.scenario + " and " + a);
                }
                o.scenario = a;
                continue;
            }
            switch (a) {
                case "--no-osprey" -> o.osprey = false;
                case "--install-peers" -> o.installPeers = true;
                default -> {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException(a + " needs a value");
                    }
                    o.set(a, args[++i]);
                }
            }
        }
        if (o.scenario == null) {
            throw new IllegalArgumentException("no scenario");
        }
        if (!List.of("fanout-flv", "fanout-ws", "fanout-rtmp", "ingest", "hls-serve", "soak", "push-memory",
                "cleanup-scan", "passthrough", "sources", "cluster", "transcode", "latency", "media")
                .contains(o.scenario)) {
            throw new IllegalArgumentException("unknown scenario " + o.scenario);
        }
        return o.defaults();
    }

    private void set(String name, String v) {
        switch (name) {
            case "--peer" -> {
                for (String p : v.split(",")) {
                    if (!List.of("nms", "nginx", "srs").contains(p)) {
                        throw new IllegalArgumentException("unknown peer " + p + " (nms, nginx, srs)");
                    }
                    peers.add(p);
                }
            }
            case "--viewers" -> viewers = Integer.parseInt(v);
            case "--publishers" -> publishers = Integer.parseInt(v);
            case "--duration" -> duration = Double.parseDouble(v);
            case "--ramp" -> ramp = Double.parseDouble(v);
            case "--publisher-ramp" -> publisherRamp = Double.parseDouble(v);
            case "--warmup" -> warmup = Double.parseDouble(v);
            case "--settle" -> settle = Double.parseDouble(v);
            case "--probe-ms" -> probeMs = Integer.parseInt(v);
            case "--client-threads" -> clientThreads = Math.max(1, Integer.parseInt(v));
            case "--media" -> media = Path.of(v).toAbsolutePath();
            case "--app" -> app = v;
            case "--stream" -> stream = v;
            case "--root" -> root = Path.of(v).toAbsolutePath();
            case "--osprey" -> ospreyHome = Path.of(v).toAbsolutePath();
            case "--osprey-hls" -> ospreyHls = v;
            case "--osprey-java-opts" -> ospreyJavaOpts = v;
            case "--osprey-set" -> ospreySets.add(v);
            case "--nginx-workers" -> nginxWorkers = Integer.parseInt(v);
            case "--wrk-threads" -> wrkThreads = Integer.parseInt(v);
            case "--wrk-connections" -> wrkConnections = Integer.parseInt(v);
            case "--churn" -> churn = Double.parseDouble(v);
            case "--churn-fraction" -> churnFraction = Double.parseDouble(v);
            case "--reconnect" -> reconnect = Double.parseDouble(v);
            case "--sample" -> sample = Double.parseDouble(v);
            case "--rounds" -> rounds = Integer.parseInt(v);
            case "--hls-wait" -> hlsWait = Double.parseDouble(v);
            case "--hls-segments" -> hlsSegments = Integer.parseInt(v);
            case "--hls-query" -> hlsQuery = v;
            case "--wrk-warmup" -> wrkWarmup = Double.parseDouble(v);
            case "--edges" -> edges = Math.max(1, Integer.parseInt(v));
            case "--origin-viewers" -> originViewers = Math.max(1, Integer.parseInt(v));
            case "--out" -> out = Path.of(v).toAbsolutePath();
            case "--files" -> files = Integer.parseInt(v);
            case "--sessions" -> sessions = Integer.parseInt(v);
            case "--downloads" -> {
                for (String n : v.split(",")) {
                    downloads.add(Math.max(1, Integer.parseInt(n.trim())));
                }
            }
            default -> throw new IllegalArgumentException("unknown option " + name);
        }
    }

    private Options defaults() {
        if (viewers < 0) {
            viewers = switch (scenario) {
                case "soak" -> 50;
                case "ingest" -> 0;
                case "cluster" -> 200;
                default -> 100;
            };
        }
        if (publishers < 0) {
            publishers = switch (scenario) {
                case "ingest" -> 20;
                case "soak" -> 2;
                case "push-memory" -> 200;
                case "sources" -> 50;
                default -> 1;
            };
        }
        if (duration < 0) {
            duration = switch (scenario) {
                case "soak" -> 60;
                case "hls-serve" -> 10;
                case "latency" -> 60;
                default -> 20;
            };
        }
        if (settle < 0) {
            settle = scenario.equals("push-memory") ? 30 : 2;
        }
        if (downloads.isEmpty()) {
            downloads.addAll(List.of(1, 4));
        }
        if (ospreyHome == null) {
            ospreyHome = root.resolve("distribution/target/osprey");
        }
        if (out == null) {
            out = root.resolve("bench/target/results");
        }
        return this;
    }

    public Path target() {
        return root.resolve("bench/target");
    }
}
