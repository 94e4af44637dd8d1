package io.osprey.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.testkit.Await;
import io.osprey.testkit.Ffmpeg;
import io.osprey.testkit.TestMedia;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The plugin SDK end to end, as a third party meets it: the archetype makes a project, Maven builds it (running
 * its unit and integration tests) from local artifacts only, and the jar is uploaded to the assembled distribution
 * while ffmpeg publishes: active and serving within 5 s, updated in place by a rebuilt jar, removed by DELETE with
 * nothing of it left, and the publisher never disconnected.
 */
class PluginSdkIT {

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void generatedPluginIsUploadedUpdatedAndRemovedWhileAStreamIsPublished() throws Exception {
        GeneratedPlugin gen = new GeneratedPlugin(Files.createDirectories(Path.of("target/plugin-sdk-it")
                .toAbsolutePath()));
        gen.generate();
        Path v1 = gen.build("1.0.0", "verify");
        // version 1.0.1 has a config key 1.0.0 does not know
        Path cfg = gen.project.resolve("src/main/java/com/example/HelloConfig.java");
        Files.writeString(cfg, Files.readString(cfg).replace("public boolean pretty = false;",
                "public boolean pretty = false;\n    public int extra = 0;"));
        Path pom = gen.project.resolve("pom.xml");
        Files.writeString(pom, Files.readString(pom).replaceFirst("<version>1.0.0</version>",
                "<version>1.0.1</version>"));
        Path v2 = gen.build("1.0.1", "-o", "package", "-DskipTests");

        try (DistributionProcess server = new DistributionProcess(MediaPathContract.CONFIG)) {
            server.awaitReady();
            Process publisher = MediaPathContract.publish(server, server.home().resolve("ffmpeg.log"));
            try {
                String startedAt = field(server.get("/api/streams/live/test").body(), "startedAt");
                int subscribers = Integer.parseInt(field(server.get("/api/streams/live/test").body(), "subscribers"));

                long t0 = System.nanoTime();
                HttpResponse<String> put = send(server, "PUT", v1);
                assertEquals(201, put.statusCode(), put.body());
                Await.until("hello-plugin to serve live/test", Duration.ofSeconds(5), () -> videoFrames(server) > 0);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(ms < 5000, "active and serving after " + ms + " ms");
                System.out.println("PluginSdkIT: hello-plugin active and serving " + ms + " ms after the PUT was sent");
                assertTrue(server.get("/api/plugins/hello-plugin").body().contains("\"state\" : \"active\""));
                assertTrue(server.get("/metrics").body().contains("osprey_hello_plugin_frames_total{kind=\"video\"}"));
                assertEquals(subscribers + 1, subscribersOf(server));

                // the section for 1.0.1's new key, written before the jar: refused by 1.0.0, applied once 1.0.1 runs
                Files.writeString(server.configFile(), MediaPathContract.CONFIG + "  hello-plugin:\n    extra: 7\n");
                Await.until("the edit to be refused", Duration.ofSeconds(10),
                        () -> logHas(server, "config change rejected"));
                HttpResponse<String> update = send(server, "PUT", v2);
                assertEquals(200, update.statusCode(), update.body());
                Await.until("the pending edit to be applied", Duration.ofSeconds(10),
                        () -> logHas(server, "config reloaded from"));
                assertTrue(server.get("/api/plugins/hello-plugin").body().contains("\"version\" : \"1.0.1\""));
                Await.until("1.0.1 to serve live/test", Duration.ofSeconds(5), () -> videoFrames(server) > 0);
                assertEquals(subscribers + 1, subscribersOf(server), "the old version's subscription is closed");

                HttpResponse<String> plain = send(server, "PUT", server.home().resolve("lib").toFile().listFiles(
                        f -> f.getName().startsWith("jackson-core"))[0].toPath());
                assertEquals(400, plain.statusCode(), plain.body());
                assertTrue(plain.body().contains("io.osprey.spi.Plugin is missing"), plain.body());

                HttpResponse<String> delete = send(server, "DELETE", null);
                assertEquals(200, delete.statusCode(), delete.body());
                assertEquals(404, server.get("/api/plugins/hello-plugin").statusCode());
                assertEquals(404, server.get("/hello-plugin/streams").statusCode(), "the route is gone");
                assertFalse(server.get("/metrics").body().contains("osprey_hello_plugin"), "the metric is gone");
                assertEquals(subscribers, subscribersOf(server), "the subscription is gone");
                assertFalse(Files.exists(server.home().resolve("plugins/hello-plugin.jar")));

                assertTrue(publisher.isAlive(), "ffmpeg still publishing");
                String after = server.get("/api/streams/live/test").body();
                assertEquals(startedAt, field(after, "startedAt"), "the same stream throughout");
                assertEquals("1", field(after, "publishes"), "the publisher never reconnected: " + after);
            } finally {
                Ffmpeg.stop(publisher);
            }
        }
    }

    private HttpResponse<String> send(DistributionProcess s, String method, Path jar) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(s.url("/api/plugins/hello-plugin")))
                .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + ServerUnderTest.TOKEN);
        b.method(method, jar == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofFile(jar));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static boolean logHas(DistributionProcess s, String text) {
        try {
            return s.log().contains(text);
        } catch (Exception e) {
            return false;
        }
    }

    private static long videoFrames(DistributionProcess s) {
        try {
            HttpResponse<String> r = s.get("/hello-plugin/streams");
            Matcher m = Pattern.compile("\"live/test\":\\{\"videoFrames\":(\\d+)").matcher(r.body());
            return r.statusCode() == 200 && m.find() ? Long.parseLong(m.group(1)) : -1;
        } catch (Exception e) {
            return -1;
        }
    }

    private static int subscribersOf(DistributionProcess s) throws Exception {
        return Integer.parseInt(field(s.get("/api/streams/live/test").body(), "subscribers"));
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\" : \"?([^\",\\n]*)").matcher(json);
        if (!m.find()) {
            throw new AssertionError("no " + name + " in " + json);
        }
        return m.group(1).trim();
    }
}
