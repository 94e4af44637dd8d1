package io.osprey.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import io.osprey.testkit.Await;
import io.osprey.testkit.Ffmpeg;
import io.osprey.testkit.TestMedia;
import org.junit.jupiter.api.Test;

/**
 * The distribution as a new user starts it ({@code bin/osprey}, OSGi mode): the banner's addresses answer, the
 * open-file soft limit is raised to the hard one (and a low hard limit is warned about, with the fix),
 * {@code --help}/{@code --version} answer, and a port in use or a broken config file is one sentence.
 */
class FirstRunIT {

    private static final Pattern URL = Pattern.compile("(https?|rtmp)://[^\\s()]+");
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void theBannersAddressesAnswerAndALowSoftFdLimitIsRaised() throws Exception {
        long hard = Long.parseLong(sh("ulimit -Hn").trim());
        try (DistributionProcess server = DistributionProcess.underShell("ulimit -Sn 1024", "{}\n")) {
            server.awaitReady();
            String log = server.log();
            if (hard > 1024) {
                assertTrue(log.contains("raised the open-file soft limit from 1024 to " + hard), log);
                assertTrue(log.contains("(fd limit " + hard + ";"), "the JVM runs with the raised limit: " + log);
            }
            int at = log.indexOf(" ready in ");
            assertTrue(at > 0, "no banner: " + log);
            int data = log.indexOf("Data:", at);
            assertTrue(data > 0, "the banner ends with the data folder: " + log.substring(at));
            int eol = log.indexOf('\n', data);
            String banner = log.substring(at, eol < 0 ? log.length() : eol);
            assertTrue(banner.contains("Config:") && banner.contains(server.configFile().toString()), banner);
            assertTrue(banner.contains(server.home().resolve("data").toString()), banner);
            assertTrue(banner.contains("admin token: server.admin.token, set in --set"), banner);

            List<String> urls = new ArrayList<>();
            for (Matcher m = URL.matcher(banner); m.find(); ) {
                urls.add(m.group());
            }
            assertTrue(urls.contains("http://localhost:" + server.httpPort() + "/"), banner);
            assertTrue(urls.contains("http://localhost:" + server.httpPort() + "/console/"), banner);
            assertTrue(urls.contains("rtmp://localhost:" + server.rtmpPort() + "/live"), banner);
            // publish with the banner's own ffmpeg address, then every address it printed answers for live/stream
            String publish = urls.stream().filter(u -> u.endsWith("/live/stream")).findFirst().orElseThrow();
            Process ffmpeg = Ffmpeg.start(server.home().resolve("publish.log"), "-re", "-stream_loop", "-1", "-i",
                    TestMedia.h264Aac(4, 500).toString(), "-c", "copy", "-f", "flv", publish);
            try {
                Await.until("live/stream published to " + publish, Duration.ofSeconds(20),
                        () -> status(server, "/api/streams/live/stream") == 200);
                for (String u : urls) {
                    String url = u.replace("{app}", "live").replace("{stream}", "stream");
                    if (url.startsWith("rtmp://")) {
                        URI r = URI.create(url);
                        try (Socket s = new Socket()) {
                            s.connect(new InetSocketAddress(r.getHost(), r.getPort()), 3000); // RTMP listens there
                        }
                    } else {
                        Await.until(url + " to answer 200", Duration.ofSeconds(20), () -> headStatus(url) == 200);
                    }
                }
            } finally {
                Ffmpeg.stop(ffmpeg);
            }
            // /api/info in OSGi mode: the port the RTMP bundle bound, found without the kernel importing it
            JsonNode info = BrowserDriver.JSON.readTree(http.send(HttpRequest.newBuilder(
                    URI.create(server.url("/api/info"))).build(), HttpResponse.BodyHandlers.ofString()).body());
            assertEquals(server.rtmpPort(), info.path("rtmp").path("port").asInt(), info.toString());
            assertTrue(info.path("outputs").path("hls").asBoolean(), info.toString());
        }
    }

    @Test
    void helpVersionAndOneSentenceStartupErrors() throws Exception {
        Path dist = Path.of(System.getProperty("osprey.dist", "target/osprey")).toAbsolutePath();
        String osprey = dist.resolve("bin/osprey").toString();
        Run help = run(List.of(osprey, "--help"));
        assertEquals(0, help.code, help.out);
        assertTrue(help.out.contains("usage: osprey") && help.out.contains("--set key=value"), help.out);
        Run version = run(List.of(osprey, "--version"));
        assertEquals(0, version.code, version.out);
        assertTrue(version.out.matches("(?s)osprey \\d+\\.\\d+.*"), version.out);

        Path data = Files.createTempDirectory("osprey-first");
        try (ServerSocket taken = new ServerSocket(0)) {
            // a low hard limit as well: the script says how to raise it before the JVM starts
            Run busy = run(List.of("sh", "-c", "ulimit -n 1500; exec \"$0\" \"$@\"", osprey,
                    "--set", "server.http.port=" + taken.getLocalPort(), "--set", "server.dataDir=" + data));
            assertEquals(1, busy.code, busy.out);
            assertTrue(busy.out.contains("WARNING: the open-file limit is 1500") && busy.out.contains("LimitNOFILE="),
                    busy.out);
            assertTrue(busy.out.contains("cannot listen for HTTP on *:" + taken.getLocalPort() + ": ")
                    && busy.out.contains("Address already in use") && busy.out.contains("server.http.port"), busy.out);
            assertFalse(busy.out.contains("\tat "), "no stack trace: " + busy.out);
        }
        Path bad = Files.writeString(data.resolve("bad.yaml"), "server:\n  http: [port: 1\n");
        Run broken = run(List.of(osprey, "--config", bad.toString(), "--set", "server.dataDir=" + data));
        assertEquals(2, broken.code, broken.out);
        assertTrue(broken.out.contains("bad config: " + bad + ": not valid YAML at line"), broken.out);
        assertFalse(broken.out.contains("\tat "), "no stack trace: " + broken.out);
    }

    private static int status(DistributionProcess server, String path) {
        try {
            return server.get(path).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** The status of a GET, reading the headers only (a live FLV body never ends). */
    private int headStatus(String url) {
        try {
            HttpResponse<java.io.InputStream> r = http.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofInputStream());
            r.body().close();
            return r.statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private record Run(int code, String out) {
    }

    private static Run run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("did not exit: " + cmd);
        }
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    private static String sh(String script) throws IOException, InterruptedException {
        return run(List.of("sh", "-c", script)).out;
    }
}
