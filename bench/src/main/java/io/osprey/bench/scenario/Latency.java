package io.osprey.bench.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.osprey.bench.Options;
import io.osprey.bench.flv.FlvSource;
import io.osprey.bench.report.Result;
import io.osprey.bench.rtmp.RtmpPublisher;
import io.osprey.bench.server.Server;
import io.osprey.bench.server.Which;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The latency a viewer sees in a browser: the bundled pages, with their default settings, in Debian's headless
 * chromium (driven by {@code bench/src/main/browser/latency.mjs} through the playwright-core the distribution build
 * installs for BrowserIT): mpegts.js over HTTP-FLV and WebSocket-FLV ({@code index.html}), hls.js over MPEG-TS HLS
 * ({@code play.html}) and LL-HLS (app {@code ll}, fMP4 with parts: {@code play.html?ll=1}). Two real-time RTMP
 * publishers ({@code live/bench}, {@code ll/bench}) send the bench media with a wall-clock probe tag every
 * {@code --probe-ms}; each page is measured alone for {@code --duration} seconds after a warm-up (see the script for
 * how the position on screen is tied to the publisher's clock). Osprey only: the pages are Osprey's.
 */
public final class Latency extends Scenario {

    private static final ObjectMapper JSON = new ObjectMapper();

    public Latency(Options o, FlvSource source) {
        super(o, source);
    }

    @Override
    public String name() {
        return "latency";
    }

    @Override
    public Result run(Server server) throws Exception {
        if (!server.name().equals("osprey")) {
            return Result.unavailable(server.name(), name(), "the latency scenario plays Osprey's own pages");
        }
        // where the distribution build (BrowserIT's npm ci, skipped with -DskipTests) put playwright-core
        Path modules = Path.of(System.getProperty("osprey.browser.dir",
                o.root.resolve("distribution/target/browser").toString())).resolve("node_modules");
        Path chromium = Path.of(System.getProperty("osprey.browser.chromium", "/usr/bin/chromium"));
        Path script = o.root.resolve("bench/src/main/browser/latency.mjs");
        if (Which.find("node") == null || !Files.isDirectory(modules.resolve("playwright-core"))
                || !Files.isExecutable(chromium) || !Files.isRegularFile(script)) {
            return Result.unavailable(server.name(), name(), "needs node, " + chromium + " (apt-get install -y "
                    + "chromium) and playwright-core in " + modules + " (the distribution build's npm ci: mvn package "
                    + "without -DskipTests, or npm ci in distribution/target/browser; BENCH_JAVA_OPTS="
                    + "-Dosprey.browser.dir=DIR points elsewhere) and " + script);
        }
        Result r = new Result(server.name(), name(), "Osprey's bundled pages with their default settings, in headless "
                + chromium);
        try (Clients clients = new Clients(1)) {
            RtmpPublisher live = clients.publish(server, "live", o.stream, source, o.probeMs);
            RtmpPublisher ll = clients.publish(server, "ll", o.stream, source, o.probeMs);
            if (!clients.awaitPublishing(live, 15_000) || !clients.awaitPublishing(ll, 15_000)) {
                return r.fail("publishers not accepted");
            }
            sleepSeconds(Math.max(o.warmup, 6)); // a few HLS segments first, as a viewer arriving later finds them
            double duration = o.duration;
            ObjectNode job = JSON.createObjectNode();
            job.put("modules", modules.toString());
            job.put("chromium", chromium.toString());
            job.put("base", "http://" + Server.HOST + ":" + server.httpPort());
            job.put("warmupS", 10);
            job.put("durationS", duration);
            ArrayNode pages = job.putArray("pages");
            for (List<String> p : List.of(
                    List.of("HTTP-FLV (mpegts.js)", "/?app=live&stream=" + o.stream),
                    List.of("WS-FLV (mpegts.js)", "/?app=live&stream=" + o.stream + "&ws=1"),
                    List.of("HLS TS (hls.js)", "/play.html?app=live&stream=" + o.stream),
                    List.of("LL-HLS fMP4 (hls.js)", "/play.html?app=ll&stream=" + o.stream + "&ll=1"))) {
                pages.addObject().put("name", p.get(0)).put("path", p.get(1));
            }
            log("%s: 4 pages in chromium, each 10 s warm-up + %.0f s", server.name(), duration);
            Process node = new ProcessBuilder("node", script.toString(), JSON.writeValueAsString(job))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!node.waitFor(60, TimeUnit.SECONDS)) {
                node.destroyForcibly();
            }
            JsonNode res = JSON.readTree(out.isEmpty() ? "{}" : out.lines().reduce((a, b) -> b).orElse("{}"));
            if (!res.path("ok").asBoolean()) {
                return r.fail("browser: " + res.path("error").asText(out));
            }
            for (JsonNode p : res.path("pages")) {
                String n = p.path("name").asText();
                if (p.has("error")) {
                    r.note(n + ": " + p.path("error").asText() + " " + p.path("state"));
                    continue;
                }
                JsonNode l = p.path("latencyMs");
                r.put(n + " p50 ms", l.path("p50").asDouble());
                r.put(n + " p95 ms", l.path("p95").asDouble());
                r.put(n + " max ms", l.path("max").asDouble());
                r.put(n + " stalls", p.path("stalls").asDouble());
                r.note(n + ": " + l.path("n").asInt() + " samples, stalled " + p.path("stallMs").asInt() + " ms"
                        + ", buffered ahead p50 " + p.path("aheadMs").path("p50").asInt() + " ms"
                        + (p.path("pdtMs").isObject() ? ", by PDT alone p50 " + p.path("pdtMs").path("p50").asInt()
                        + " ms, floor from appends p50 " + p.path("floorMs").path("p50").asInt() + " ms" : "")
                        + (p.path("ownMs").isObject() ? ", the player's own latency estimate p50 "
                        + p.path("ownMs").path("p50").asInt() + " ms" : "")
                        + (p.path("targetS").isNumber() ? String.format(", target %.2f s", p.path("targetS").asDouble())
                        : "")
                        + ", faster than real time " + p.path("fasterPct").asInt() + " % of samples"
                        + ", waiting events " + p.path("waits").asInt()
                        + (p.path("engine").asText().equals("hls.js") ? ", hls.js stalls " + p.path("playerStalls")
                        .asInt() + " (in the warm-up at ms " + p.path("warmupPlayerStalls") + ")" : "")
                        + (p.path("playedAs").isNull() ? "" : ", played as " + p.path("playedAs").asText())
                        + (p.path("partTarget").isNull() ? "" : ", part target " + p.path("partTarget").asText()
                        + " s") + ", " + p.path("browser").asText() + (p.path("errors").isEmpty() ? "" : ", page errors " + p.path("errors")));
            }
        }
        return r;
    }
}
