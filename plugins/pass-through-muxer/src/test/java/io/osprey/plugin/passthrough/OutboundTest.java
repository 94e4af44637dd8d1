package io.osprey.plugin.passthrough;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.testkit.TestServer;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Without allowPrivate: loopback, private and redirect-to-private sources are refused before any fetch. */
class OutboundTest {

    private static SourceServer source;
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        source = new SourceServer(Media.dir());
        // 127.0.0.1 (the test source) is allowed by name; everything else private stays refused
        server = TestServer.start("plugins.pass-through-muxer.allowHosts=[127.0.0.1]");
    }

    @AfterAll
    static void stop() {
        server.close();
        source.close();
    }

    private static HttpResponse<String> download(String url) throws Exception {
        return Downloads.get(Downloads.download(server.httpPort(), url, null));
    }

    @Test
    void loopbackIsRefused() throws Exception {
        HttpResponse<String> r = download("http://localhost:" + server.httpPort() + "/metrics");
        assertEquals(403, r.statusCode(), r.body());
        assertTrue(r.body().contains("loopback"), r.body());
        HttpResponse<String> v6 = download("http://[::1]:" + server.httpPort() + "/metrics");
        assertEquals(403, v6.statusCode(), v6.body());
    }

    @Test
    void privateAndLinkLocalAreRefused() throws Exception {
        int requests = source.requests.get();
        assertEquals(403, download("http://10.1.2.3/a.mp4").statusCode());
        assertEquals(403, download("http://192.168.0.10/a.mp4").statusCode());
        HttpResponse<String> meta = download("http://169.254.169.254/latest/meta-data/");
        assertEquals(403, meta.statusCode());
        assertTrue(meta.body().contains("link-local"), meta.body());
        assertEquals(403, download("http://[::ffff:10.0.0.1]/a.mp4").statusCode());
        assertEquals(requests, source.requests.get());
    }

    @Test
    void redirectToPrivateIsRefused() throws Exception {
        HttpResponse<String> r = download(source.url("/redirect?to=" + Downloads.q("http://192.168.7.7/x.mp4")));
        assertEquals(403, r.statusCode(), r.body());
        assertTrue(r.body().contains("192.168.7.7"), r.body());
        HttpResponse<String> lo = download(source.url("/redirect?to="
                + Downloads.q("http://localhost:" + server.httpPort() + "/metrics")));
        assertEquals(403, lo.statusCode(), lo.body());
        HttpResponse<String> info = Downloads.get("http://127.0.0.1:" + server.httpPort() + "/api/passthrough/info?url="
                + Downloads.q(source.url("/redirect?to=" + Downloads.q("http://10.9.9.9/x.mp4"))));
        assertEquals(403, info.statusCode(), info.body());
    }

    @Test
    void otherSchemesAreRefused() throws Exception {
        assertEquals(400, download("file:///etc/passwd").statusCode());
        assertEquals(400, download("ftp://example.com/a.mp4").statusCode());
        assertEquals(400, download("http://user:pw@example.com/a.mp4").statusCode());
        HttpResponse<String> none = Downloads.get("http://127.0.0.1:" + server.httpPort() + "/api/passthrough/download");
        assertEquals(400, none.statusCode());
        assertTrue(none.body().contains("url parameter is required"), none.body());
    }

    @Test
    void anAllowedHostStillDownloads() throws Exception {
        HttpResponse<byte[]> r = Downloads.HTTP.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                Downloads.download(server.httpPort(), source.url("/video.mp4"), null))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode());
        assertTrue(r.body().length > 100_000);
    }
}
