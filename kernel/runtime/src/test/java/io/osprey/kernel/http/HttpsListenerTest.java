package io.osprey.kernel.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.kernel.config.ConfigLoader;
import io.osprey.kernel.config.ServerConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code server.https} with certificates made here by openssl: PEM with PKCS#8 (RSA, EC) and PKCS#1
 * keys and a PKCS12 store, HTTP/2 chosen by ALPN (Java's client and curl {@code --http2}), and a renewed
 * certificate picked up without a restart.
 */
class HttpsListenerTest {

    @TempDir
    Path dir;

    @Test
    void pemPkcs8AnswersOverHttp2ToJavaAndCurl() throws Exception {
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=first",
                "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", "key.pem", "-out", "cert.pem");
        JettyHost host = start("server.https.certFile=cert.pem", "server.https.keyFile=key.pem");
        try {
            HttpResponse<String> r = client("cert.pem").send(HttpRequest.newBuilder(
                    URI.create("https://127.0.0.1:" + host.httpsPort() + "/hi")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            assertEquals(HttpClient.Version.HTTP_2, r.version());
            assertEquals("hi https", r.body());
            String curl = run(List.of("curl", "-sS", "--http2", "--cacert", dir.resolve("cert.pem").toString(),
                    "-w", " %{http_version}", "https://127.0.0.1:" + host.httpsPort() + "/hi"));
            assertEquals("hi https 2", curl.trim());
            String h1 = run(List.of("curl", "-sS", "--http1.1", "--cacert", dir.resolve("cert.pem").toString(),
                    "-w", " %{http_version}", "https://127.0.0.1:" + host.httpsPort() + "/hi"));
            assertEquals("hi https 1.1", h1.trim(), "HTTP/1.1 clients are served as well");
        } finally {
            host.stop();
        }
    }

    @Test
    void pkcs1RsaEcAndPkcs12KeysLoad() throws Exception {
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=rsa",
                "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", "p8.pem", "-out", "rsa.pem");
        openssl("rsa", "-in", "p8.pem", "-traditional", "-out", "p1.pem");
        assertTrue(Files.readString(dir.resolve("p1.pem")).contains("BEGIN RSA PRIVATE KEY"));
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
                "-subj", "/CN=ec", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", "ec-key.pem", "-out", "ec.pem");
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
                "-subj", "/CN=p12", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", "p12-key.pem", "-out",
                "p12.pem");
        openssl("pkcs12", "-export", "-in", "p12.pem", "-inkey", "p12-key.pem", "-out", "ks.p12", "-passout",
                "pass:changeit");
        for (String[] c : new String[][] {{"rsa.pem", "server.https.certFile=rsa.pem", "server.https.keyFile=p1.pem"},
                {"ec.pem", "server.https.certFile=ec.pem", "server.https.keyFile=ec-key.pem"},
                {"p12.pem", "server.https.keyStore=ks.p12", "server.https.keyStorePassword=changeit"}}) {
            JettyHost host = start(c[1], c[2]);
            try {
                HttpResponse<String> r = client(c[0]).send(HttpRequest.newBuilder(
                        URI.create("https://127.0.0.1:" + host.httpsPort() + "/hi")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(HttpClient.Version.HTTP_2, r.version(), c[1]);
                assertEquals("hi https", r.body(), c[1]);
            } finally {
                host.stop();
            }
        }
    }

    @Test
    void aRenewedCertificateIsServedWithoutARestart() throws Exception {
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", "/CN=before",
                "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", "key.pem", "-out", "cert.pem");
        JettyHost host = start("server.https.certFile=cert.pem", "server.https.keyFile=key.pem",
                "server.https.reloadCheckMs=100");
        try {
            assertEquals("CN=before", peer(host.httpsPort()));
            openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", "/CN=after",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", "key.pem", "-out", "cert.pem");
            FileTime later = FileTime.fromMillis(System.currentTimeMillis() + 2000);
            Files.setLastModifiedTime(dir.resolve("cert.pem"), later);
            Files.setLastModifiedTime(dir.resolve("key.pem"), later);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            String seen = peer(host.httpsPort());
            while (!seen.equals("CN=after") && System.nanoTime() < deadline) {
                Thread.sleep(100);
                seen = peer(host.httpsPort());
            }
            assertEquals("CN=after", seen, "new handshakes get the renewed certificate");
        } finally {
            host.stop();
        }
    }

    @Test
    void aKeyThatDoesNotLoadFailsTheStartNamingTheFile() throws Exception {
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=x", "-keyout", "key.pem",
                "-out", "cert.pem");
        Files.writeString(dir.resolve("garbage.pem"), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
        IOException e = assertThrows(IOException.class,
                () -> start("server.https.certFile=cert.pem", "server.https.keyFile=garbage.pem"));
        assertTrue(e.getMessage().contains("garbage.pem") && e.getMessage().contains("private key"), e.getMessage());
    }

    private JettyHost start(String... sets) throws Exception {
        List<String> all = new ArrayList<>(List.of("server.http.port=0", "server.http.host=127.0.0.1",
                "server.https.port=0"));
        all.addAll(List.of(sets));
        ServerConfig config = new ConfigLoader(null, all, Map.of()).load().server();
        JettyHost host = new JettyHost(config.http);
        host.router().add("test", "/hi", new Handler.Abstract.NonBlocking() {
            @Override
            public boolean handle(Request rq, Response rs, Callback cb) {
                rs.setStatus(200);
                rs.write(true, StandardCharsets.UTF_8.encode("hi " + rq.getHttpURI().getScheme()), cb);
                return true;
            }
        });
        try {
            host.start(config.https, dir);
        } catch (Exception e) {
            host.stop();
            throw e;
        }
        return host;
    }

    /** A client that trusts exactly the test certificate in {@code pem}. */
    private HttpClient client(String pem) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(dir.resolve(pem))) {
            trust.setCertificateEntry("test", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(ssl).version(HttpClient.Version.HTTP_2)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** The subject of the certificate a fresh handshake gets. */
    private static String peer(int port) throws Exception {
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
                // the test reads the certificate, it does not trust anything with it
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        try (SSLSocket s = (SSLSocket) ssl.getSocketFactory().createSocket("127.0.0.1", port)) {
            s.startHandshake();
            return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
        }
    }

    private void openssl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        run(cmd);
    }

    private String run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(false).start();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), cmd.toString());
        assertEquals(0, p.exitValue(), cmd + ": " + err);
        return new String(out, StandardCharsets.UTF_8);
    }
}
