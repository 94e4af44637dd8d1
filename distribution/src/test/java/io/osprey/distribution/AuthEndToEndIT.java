package io.osprey.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.testkit.Await;
import io.osprey.testkit.Ffmpeg;
import io.osprey.testkit.Probe;
import io.osprey.testkit.TestMedia;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 15 with real clients against one server with a publish key for {@code live} and a play secret: ffmpeg
 * publishing RTMP, RTMPS and HTTP push is refused without the key and publishes with it; ffprobe reads HTTP-FLV, RTMP, HLS
 * and a recorded MP4 with a valid signature and is refused with an expired, tampered or missing one; WS-FLV the
 * same through the JDK's WebSocket client; IP lists with sources bound to 127.0.0.2; and live reconfiguration
 * (new key, IP lists, disabling) with the admitted publisher staying on. The last test changes the rules, so it
 * runs last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AuthEndToEndIT {

    static final String KEY = "pub-key-0123456789";
    static final String SECRET = "play-secret-0123456789";
    static final String AUTH = "  auth:\n    publishKeys:\n      live: " + KEY + "\n    playSecret: " + SECRET + "\n";
    /** The config: RTMPS on a free port with a self-signed key store, then the auth section (edited by test 4). */
    private static String config;
    private static int tlsPort;
    private static InProcessServer s;
    private static Process publisher;
    private static Path logs;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        logs = Files.createTempDirectory("auth-it");
        Path ks = logs.resolve("rtmps.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "osprey", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=localhost", "-validity", "2", "-storetype", "PKCS12", "-keystore", ks.toString(), "-storepass",
                "osprey-test", "-keypass", "osprey-test").redirectErrorStream(true).start();
        assertTrue(keytool.waitFor(60, TimeUnit.SECONDS) && keytool.exitValue() == 0, "keytool");
        tlsPort = io.osprey.testkit.FreePorts.next();
        config = "bus:\n  reconnectGraceMs: 300\nplugins:\n  rtmp-ingest:\n    tls:\n      port: " + tlsPort
                + "\n      keyStore: " + ks + "\n      keyStorePassword: osprey-test\n"
                + "  fmp4-recorder:\n    keepSegments: true\n" // test 3 reads the recorded playlist after the merge
                + AUTH;
        s = new InProcessServer(config);
        publisher = Ffmpeg.start(logs.resolve("ok.log"), "-re", "-stream_loop", "-1", "-i",
                TestMedia.h264Aac(10, 800).toString(), "-c", "copy", "-f", "flv", s.rtmp("/live/ok?key=" + KEY));
        awaitLive("live/ok");
    }

    @AfterAll
    static void stop() throws Exception {
        Ffmpeg.stop(publisher);
        if (s != null) {
            s.close();
        }
    }

    static void awaitLive(String stream) {
        Await.until(stream + " live", Duration.ofSeconds(20), () -> {
            try {
                return s.get("/api/streams/" + stream).statusCode() == 200;
            } catch (Exception e) {
                return false;
            }
        });
    }

    static String sign(String stream, long expires) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal((stream + ":" + expires).getBytes(StandardCharsets.UTF_8)));
    }

    /** The signed query from the admin API, checked against the README's formula. */
    static String signedQuery(String stream) throws Exception {
        HttpResponse<String> r = s.get("/api/auth/sign?stream=" + stream + "&ttl=120");
        assertEquals(200, r.statusCode(), r.body());
        Matcher m = Pattern.compile("\"query\":\"expires=(\\d+)&sign=([0-9a-f]{64})\"").matcher(r.body());
        assertTrue(m.find(), r.body());
        assertEquals(sign(stream, Long.parseLong(m.group(1))), m.group(2),
                "sign = HMAC-SHA256(secret, app/stream:exp)");
        assertTrue(r.body().contains("/hls/" + stream + "/index.m3u8?expires="), r.body());
        return "expires=" + m.group(1) + "&sign=" + m.group(2);
    }

    static String[] badQueries(String stream) throws Exception {
        long past = System.currentTimeMillis() / 1000 - 10;
        long future = System.currentTimeMillis() / 1000 + 100;
        String good = sign(stream, future);
        return new String[] {"", "?expires=" + past + "&sign=" + sign(stream, past),
            "?expires=" + future + "&sign=" + (good.charAt(0) == '0' ? '1' : '0') + good.substring(1),
            "?expires=" + (future + 1) + "&sign=" + good};
    }

    static void refused(String url) throws Exception {
        Ffmpeg.Result r = Ffmpeg.run(30, Ffmpeg.ffprobe(), "-v", "error", "-rw_timeout", "5000000", url);
        assertNotEquals(0, r.exitCode(), url + " must be refused");
    }

    static int status(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(s.url(path))).method("HEAD",
                HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    @Order(1)
    void publishingWithoutTheKeyIsRefusedOnRtmpAndHttpPushWithoutDisturbingTheLiveStream() throws Exception {
        Path clip = TestMedia.h264Aac(10, 800);
        String rtmps = "rtmps://127.0.0.1:" + tlsPort;
        for (String url : new String[] {s.rtmp("/live/nokey"), s.rtmp("/live/badkey?key=wrong"),
            rtmps + "/live/tlsnokey"}) {
            String name = url.substring(url.lastIndexOf('/') + 1);
            Path log = logs.resolve("rtmp-" + name.length() + ".log");
            Process p = Ffmpeg.start(log, "-re", "-i", clip.toString(), "-c", "copy", "-f", "flv", url);
            assertTrue(p.waitFor(20, TimeUnit.SECONDS), "ffmpeg gave up");
            assertNotEquals(0, p.exitValue());
            String out = Files.readString(log);
            assertTrue(out.contains(name.contains("?") ? "publish key invalid" : "publish key missing"), out);
            assertTrue(!out.contains(KEY), "the key is never echoed");
        }
        Path pushLog = logs.resolve("push-nokey.log");
        Process push = Ffmpeg.start(pushLog, "-re", "-i", clip.toString(), "-c", "copy", "-f", "flv", "-method",
                "POST", s.url("/live/pushed"));
        assertTrue(push.waitFor(20, TimeUnit.SECONDS), "ffmpeg push gave up");
        // ffmpeg streams the POST body and only sees the refusal as the connection closing under it
        assertNotEquals(0, push.exitValue());
        assertEquals(404, s.get("/api/streams/live/pushed").statusCode(), "never went live");
        HttpResponse<String> denied = HTTP.send(HttpRequest.newBuilder(URI.create(s.url("/live/pushed")))
                .POST(HttpRequest.BodyPublishers.ofString("FLV")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(403, denied.statusCode());
        assertTrue(denied.body().contains("publish key missing"), denied.body());

        Process pushed = Ffmpeg.start(logs.resolve("push-key.log"), "-re", "-stream_loop", "-1", "-i",
                clip.toString(), "-c", "copy", "-f", "flv", "-method", "POST", s.url("/live/pushed?key=" + KEY));
        Process tls = Ffmpeg.start(logs.resolve("rtmps-key.log"), "-re", "-stream_loop", "-1", "-i",
                clip.toString(), "-c", "copy", "-f", "flv", rtmps + "/live/tls?key=" + KEY);
        // the key on the tcUrl (OBS-style Server field) instead of the stream name
        Process tcUrl = Ffmpeg.start(logs.resolve("tcurl-key.log"), "-re", "-stream_loop", "-1", "-i",
                clip.toString(), "-c", "copy", "-f", "flv", "-rtmp_tcurl", s.rtmp("/live?key=" + KEY),
                s.rtmp("/live/tcurl"));
        try {
            awaitLive("live/pushed");
            awaitLive("live/tls");
            awaitLive("live/tcurl");
        } finally {
            Ffmpeg.stop(pushed);
            Ffmpeg.stop(tls);
            Ffmpeg.stop(tcUrl);
        }
        assertTrue(publisher.isAlive(), "the admitted publisher stays");
        assertTrue(s.get("/api/streams/live/ok").body().contains("\"publishes\" : 1"), "never interrupted");
    }

    @Test
    @Order(2)
    void httpFlvRtmpAndHlsPlayWithASignatureOnlyAndWsFlvToo() throws Exception {
        String q = signedQuery("live/ok");
        assertEquals("h264", Probe.probe(s.url("/live/ok.flv?" + q)).video().codec());
        assertEquals("aac", Probe.probe(s.rtmp("/live/ok?" + q)).audio().codec());
        Await.until("HLS segments", Duration.ofSeconds(20), () -> {
            try {
                return s.get("/hls/live/ok/index.m3u8?" + q).body().contains("#EXTINF:");
            } catch (Exception e) {
                return false;
            }
        });
        String playlist = s.get("/hls/live/ok/index.m3u8?" + q).body();
        String seg = playlist.lines().filter(l -> l.startsWith("seg-")).reduce((a, b) -> b).orElseThrow();
        assertTrue(seg.endsWith("?" + q), "the signature is carried to " + seg);
        assertEquals(200, status("/hls/live/ok/" + seg));
        assertEquals(403, status("/hls/live/ok/" + seg.substring(0, seg.indexOf('?'))), "a bare segment");
        assertEquals("h264", Probe.probe(s.url("/hls/live/ok/index.m3u8?" + q)).video().codec());
        for (String bad : badQueries("live/ok")) {
            refused(s.url("/live/ok.flv" + bad));
            refused(s.rtmp("/live/ok" + bad));
            refused(s.url("/hls/live/ok/index.m3u8" + bad));
            assertEquals(403, status("/live/ok.flv" + bad), bad);
        }
        assertTrue(wsBytes("/live/ok.flv?" + q) > 10_000, "WS-FLV with a signature");
        CompletionException e = assertThrows(CompletionException.class, () -> wsBytes("/live/ok.flv"));
        assertTrue(String.valueOf(e.getCause()).contains("403") || e.getCause() instanceof IOException,
                String.valueOf(e.getCause()));
        assertTrue(s.get("/metrics").body().contains(
                "osprey_auth_decisions_total{action=\"play\",reason=\"signature\",result=\"deny\"}"));
    }

    /** Bytes a WS-FLV viewer receives within two seconds. */
    private static long wsBytes(String path) throws Exception {
        AtomicLong bytes = new AtomicLong();
        WebSocket ws = HTTP.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + s.httpPort() + path),
                new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onBinary(WebSocket w, ByteBuffer data, boolean last) {
                        bytes.addAndGet(data.remaining());
                        w.request(1);
                        return null;
                    }
                }).join();
        try {
            Await.until("WS-FLV bytes", Duration.ofSeconds(10), () -> bytes.get() > 10_000);
        } finally {
            ws.abort();
        }
        return bytes.get();
    }

    @Test
    @Order(3)
    void aRecordedMp4IsServedWithTheStreamsSignatureOnly() throws Exception {
        Process p = Ffmpeg.start(logs.resolve("rec.log"), "-re", "-i", TestMedia.h264Aac(4, 500).toString(), "-c",
                "copy", "-f", "flv", s.rtmp("/live/rec?key=" + KEY));
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        String[] url = new String[1];
        Await.until("a merged recording", Duration.ofSeconds(30), () -> {
            try {
                Matcher m = Pattern.compile("\"full\"\\s*:\\s*\"(/mp4/live/rec/[^\"]+)\"")
                        .matcher(s.get("/api/recordings?stream=live/rec").body());
                url[0] = m.find() ? m.group(1) : null;
                return url[0] != null;
            } catch (Exception e) {
                return false;
            }
        });
        String q = signedQuery("live/rec");
        Probe.Result r = Probe.probe(s.url(url[0] + "?" + q));
        assertEquals("h264", r.video().codec(), r.raw());
        for (String bad : badQueries("live/rec")) {
            assertEquals(403, status(url[0] + bad), bad);
        }
        refused(s.url(url[0]));
        // the recorded HLS playlist carries the signature to its init section and segments
        String merged = url[0].replace("stream_full.mp4", "output_merge/index.m3u8");
        String vod = s.get(merged + "?" + q).body();
        assertTrue(vod.contains(".m4s?" + q) && vod.contains(".mp4?" + q + "\""), vod);
        assertEquals("h264", Probe.probe(s.url(merged + "?" + q)).video().codec());
        refused(s.url(merged));
    }

    @Test
    @Order(4)
    void reconfiguredLiveIpListsFromRealSourceAddressesThenDisabledAndEnabled() throws Exception {
        InetAddress other = InetAddress.getByName("127.0.0.2");
        String q = signedQuery("live/ok");
        assertEquals(200, rawStatus(other, "GET", "/live/ok.flv?" + q));
        String newKey = "new-key-0123456789";
        Files.writeString(s.configFile(), config.replace(KEY, newKey)
                + "    play:\n      deny: [\"127.0.0.2/32\"]\n    publish:\n      allow: [\"127.0.0.1\", \"::1\"]\n");
        Await.until("the deny list", Duration.ofSeconds(5), () -> rawStatus(other, "GET", "/live/ok.flv?" + q) == 403);
        assertEquals(200, rawStatus(InetAddress.getLoopbackAddress(), "GET", "/live/ok.flv?" + q), "127.0.0.1 plays");
        assertEquals(403, rawStatus(other, "POST", "/live/fromtwo?key=" + newKey), "publish allow list");
        Path log = logs.resolve("oldkey.log");
        Process old = Ffmpeg.start(log, "-i", TestMedia.h264Aac(4, 500).toString(), "-c", "copy", "-f", "flv",
                s.rtmp("/live/oldkey?key=" + KEY));
        assertTrue(old.waitFor(20, TimeUnit.SECONDS));
        assertTrue(Files.readString(log).contains("publish key invalid"), Files.readString(log));
        Process fresh = Ffmpeg.start(logs.resolve("newkey.log"), "-re", "-stream_loop", "-1", "-i",
                TestMedia.h264Aac(4, 500).toString(), "-c", "copy", "-f", "flv", s.rtmp("/live/newkey?key=" + newKey));
        try {
            awaitLive("live/newkey");
        } finally {
            Ffmpeg.stop(fresh);
        }

        Files.writeString(s.configFile(), config + "    enabled: false\n");
        Await.until("auth off", Duration.ofSeconds(5), () -> rawStatus(other, "GET", "/live/ok.flv") == 200);
        Files.writeString(s.configFile(), config);
        Await.until("auth on again", Duration.ofSeconds(5), () -> rawStatus(other, "GET", "/live/ok.flv") == 403);
        assertEquals(200, rawStatus(other, "GET", "/live/ok.flv?" + signedQuery("live/ok")));
        assertTrue(publisher.isAlive(), "the publisher admitted under the first rules is still on");
        assertTrue(s.get("/api/streams/live/ok").body().contains("\"publishes\" : 1"));
    }

    /** The status of a request sent from {@code source} (a real source address from 127.0.0.0/8). */
    private static int rawStatus(InetAddress source, String method, String path) {
        try (Socket sock = new Socket()) {
            sock.bind(new InetSocketAddress(source, 0));
            sock.connect(new InetSocketAddress("127.0.0.1", s.httpPort()), 5000);
            sock.setSoTimeout(5000);
            OutputStream out = sock.getOutputStream();
            String body = method.equals("POST") ? "FLV\u0001\u0005\u0000\u0000\u0000\u0009\u0000\u0000\u0000\u0000"
                    : "";
            out.write((method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + body.length()
                    + "\r\n\r\n" + body).getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = sock.getInputStream();
            byte[] line = new byte[12];
            int n = in.readNBytes(line, 0, 12);
            return n == 12 ? Integer.parseInt(new String(line, 9, 3, StandardCharsets.US_ASCII)) : -1;
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    @Test
    @Order(0)
    void theConsoleStatusNamesWhatIsProtectedButNeverTheKey() throws Exception {
        String body = s.get("/api/auth").body();
        assertTrue(body.contains("\"publishKeys\":[\"live\"]"), body);
        assertTrue(body.contains("\"signedPlay\":true"), body);
        assertTrue(!body.contains(KEY) && !body.contains(SECRET), body);
        assertEquals(401, HTTP.send(HttpRequest.newBuilder(URI.create(s.url("/api/auth/sign?stream=live/ok")))
                .build(), HttpResponse.BodyHandlers.discarding()).statusCode(), "admin token needed");
        assertNotNull(publisher);
    }
}
