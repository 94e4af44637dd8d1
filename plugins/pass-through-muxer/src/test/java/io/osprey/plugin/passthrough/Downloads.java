package io.osprey.plugin.passthrough;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Test-side client of the endpoints. */
final class Downloads {

    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Downloads() {
    }

    static String q(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static String download(int port, String url, String audio) {
        return "http://127.0.0.1:" + port + "/api/passthrough/download?url=" + q(url)
                + (audio == null ? "" : "&audio=" + q(audio));
    }

    static HttpResponse<InputStream> open(String uri) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
    }

    static HttpResponse<String> get(String uri) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** {@code /api/passthrough/status} (an admin route) with the test server's admin token. */
    static String status(int port) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/passthrough/status"))
                .header("Authorization", "Bearer " + io.osprey.testkit.TestServer.TOKEN).timeout(Duration.ofSeconds(30))
                .GET().build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** Polls {@code condition} until true or fails after {@code ms}. */
    static void await(String what, long ms, java.util.concurrent.Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + ms * 1_000_000;
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + ms + " ms: " + what);
            }
            Thread.sleep(20);
        }
    }

    /** ffmpeg children of this JVM (the server runs in it), by command. */
    static long ffmpegChildren() {
        return ProcessHandle.current().descendants()
                .filter(p -> p.info().command().map(c -> c.endsWith("/ffmpeg")).orElse(false)).count();
    }
}
