package io.osprey.plugin.hls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.spi.bus.StreamKey;
import io.osprey.testkit.Await;
import io.osprey.testkit.Clip;
import io.osprey.testkit.ClipPublisher;
import io.osprey.testkit.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * HLS over the kernel's fast GET path (no access policy: the test's deny-token plugin is off): a playlist and a
 * segment answered there carry the same status, fields and bytes as Jetty's answer to the same request, count in
 * the metrics and as a viewer, and a request the fast path does not take still gets Jetty's answer.
 */
class FastGetServingTest {

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void fastAnswersEqualJettysAndCountAsViewers(boolean files, @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        Clip clip = Clip.h264Aac(6);
        // segments in memory (written from a buffer), or in files (sendfile here, the mapped file on Jetty's path)
        try (TestServer server = TestServer.start("plugins.deny-token.enabled=false",
                "plugins.hls.zeroCopyDir=" + (files ? dir.toAbsolutePath() : ""))) {
            StreamKey key = new StreamKey("live", "fast");
            String base = "/hls/live/fast/";
            try (ClipPublisher p = ClipPublisher.frames(server.kernel().bus(), key, clip, 60_000)) {
                Await.until("two segments", Duration.ofSeconds(20),
                        () -> HlsViewersTest.body(server, base + "index.m3u8").split("#EXTINF").length > 2);
                long fastBefore = metric(server, "osprey_http_fast_get_total");
                long requestsBefore = metric(server, "osprey_hls_requests_total");
                List<Reply> fast = exchange(server, get(base + "index.m3u8", ""), null);
                String seg = new M3u8(fast.get(0).text()).segments.get(0).uri();
                fast = exchange(server, get(base + "index.m3u8", "") + get(base + seg, ""), 2);
                assertEquals(fastBefore + 3, metric(server, "osprey_http_fast_get_total"), "three answered fast");
                assertEquals(requestsBefore + 3, metric(server, "osprey_hls_requests_total"), "and counted by hls");
                // the same requests with a field the fast path leaves to Jetty
                List<Reply> jetty = exchange(server, get(base + "index.m3u8", "Authorization: x\r\n")
                        + get(base + seg, "Authorization: x\r\n"), 2);
                assertEquals(fastBefore + 3, metric(server, "osprey_http_fast_get_total"), "Jetty's are not");
                for (int i = 0; i < 2; i++) {
                    Reply f = fast.get(i);
                    Reply j = jetty.get(i);
                    assertEquals(200, f.status);
                    assertEquals(j.status, f.status);
                    if (i == 0 && !f.fields.get("etag").equals(j.fields.get("etag"))) {
                        continue; // the playlist moved on between the two: nothing to compare
                    }
                    assertEquals(j.fields, f.fields, "same fields");
                    assertArrayEquals(j.body, f.body, "same bytes");
                }
                assertTrue(fast.get(1).body.length > 1000 && fast.get(1).body[0] == 0x47, "a TS segment");
                // names the fast path declines (out of the window, unknown stream) get Jetty's 404s
                List<Reply> missing = exchange(server, get(base + "seg-zz-1.ts", "")
                        + get("/hls/live/none/index.m3u8", ""), 2);
                assertEquals(404, missing.get(0).status);
                assertEquals(404, missing.get(1).status);
                Await.until("the fast poller counts as an hls viewer", Duration.ofSeconds(10),
                        () -> HlsViewersTest.body(server, "/api/streams/live/fast").replace(" ", "").contains("\"hls\":1"));
                if (files) {
                    assertTrue(openSegmentFiles(dir) >= 2, "the window's segments are open files");
                    try (var names = java.nio.file.Files.list(dir)) {
                        assertEquals(0, names.count(), "unlinked at once: nothing left behind");
                    }
                }
            }
            // the stream ended: its window is released, every file closed
            Await.until("segment files closed", Duration.ofSeconds(10), () -> openSegmentFiles(dir) == 0);
        }
    }

    /** This process's open descriptors on (deleted) files in {@code dir}. */
    private static long openSegmentFiles(java.nio.file.Path dir) {
        String prefix = dir.toAbsolutePath().toString();
        try (var fds = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return java.nio.file.Files.readSymbolicLink(fd).toString().startsWith(prefix);
                } catch (IOException gone) {
                    return false;
                }
            }).count();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String get(String path, String extra) {
        return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: test\r\n" + extra + "\r\n";
    }

    /** Sends {@code requests} on one connection and reads {@code n} responses (1 if null). */
    private static List<Reply> exchange(TestServer server, String requests, Integer n) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", server.httpPort()), 5000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write(requests.getBytes(StandardCharsets.US_ASCII));
            List<Reply> out = new ArrayList<>();
            for (int i = 0; i < (n == null ? 1 : n); i++) {
                out.add(Reply.read(s.getInputStream()));
            }
            return out;
        }
    }

    private static long metric(TestServer server, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + "(\\{[^}]*\\})? ([0-9.eE+]+)$").matcher(HlsViewersTest.body(server, "/metrics"));
        long sum = 0;
        while (m.find()) {
            sum += (long) Double.parseDouble(m.group(2));
        }
        return sum;
    }

    /** Status, fields but Date (lower-case names), body by Content-Length. */
    record Reply(int status, Map<String, String> fields, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        static Reply read(InputStream in) throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            List<String> lines = new ArrayList<>();
            while (true) {
                int c = in.read();
                if (c < 0) {
                    throw new IOException("closed after " + lines);
                }
                if (c == '\n') {
                    String l = line.toString(StandardCharsets.ISO_8859_1).replace("\r", "");
                    line.reset();
                    if (l.isEmpty()) {
                        break;
                    }
                    lines.add(l);
                } else {
                    line.write(c);
                }
            }
            Map<String, String> f = new TreeMap<>();
            for (String l : lines.subList(1, lines.size())) {
                int colon = l.indexOf(':');
                String name = l.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                if (!name.equals("date")) {
                    f.put(name, l.substring(colon + 1).trim());
                }
            }
            byte[] body = in.readNBytes(Integer.parseInt(f.getOrDefault("content-length", "0")));
            return new Reply(Integer.parseInt(lines.get(0).split(" ")[1]), f, body);
        }
    }
}
