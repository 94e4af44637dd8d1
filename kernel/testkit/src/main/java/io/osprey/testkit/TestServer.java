package io.osprey.testkit;

import io.osprey.kernel.Kernel;
import io.osprey.kernel.KernelOptions;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * An embedded server in ServiceLoader mode (the plugins on the test class path) on free ports, with its own data
 * folder. Close it to stop.
 */
public final class TestServer implements AutoCloseable {

    public static final String TOKEN = "test-admin-token-0123456789";

    private final Kernel kernel;
    private final Path home;
    private final int rtmpPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private TestServer(Kernel kernel, Path home, int rtmpPort) {
        this.kernel = kernel;
        this.home = home;
        this.rtmpPort = rtmpPort;
    }

    /** Starts with free HTTP and RTMP ports and {@code sets} applied on top. */
    public static TestServer start(String... sets) throws Exception {
        Path home = Files.createTempDirectory("osprey-test");
        return start(home, null, sets);
    }

    /** Starts with a config file (watched for edits) and {@code sets}. */
    public static TestServer start(Path home, Path configFile, String... sets) throws Exception {
        int rtmp = FreePorts.next();
        List<String> all = new ArrayList<>(List.of("server.http.port=0", "server.dataDir=" + home.resolve("data"),
                "server.plugins.mode=classpath", "server.webDir=", "server.admin.token=" + TOKEN,
                "plugins.rtmp-ingest.port=" + rtmp, "server.configScanIntervalMs=200"));
        all.addAll(List.of(sets));
        KernelOptions opts = new KernelOptions(home, configFile, all, java.util.Map.of(), null);
        return new TestServer(Kernel.start(opts), home, rtmp);
    }

    public Kernel kernel() {
        return kernel;
    }

    public Path home() {
        return home;
    }

    public int httpPort() {
        return kernel.httpPort();
    }

    public int rtmpPort() {
        return rtmpPort;
    }

    public String http(String path) {
        return "http://127.0.0.1:" + httpPort() + path;
    }

    public String rtmp(String path) {
        return "rtmp://127.0.0.1:" + rtmpPort + path;
    }

    /** GET with the admin token. */
    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(http(path))).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + TOKEN).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** POST (empty body) with the admin token. */
    public HttpResponse<String> post(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(http(path))).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Status of a plain GET (no token), following nothing; -1 if the connection failed. */
    public int status(String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(http(path))).timeout(Duration.ofSeconds(5))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    @Override
    public void close() {
        kernel.close();
    }
}
