package io.osprey.kernel.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS for {@code rediss://}: whom to trust and that the certificate names the host. With {@code cluster.tlsCaFile}
 * (PEM, one or more {@code -----BEGIN CERTIFICATE-----} blocks: a private CA or a self-signed server certificate)
 * only those certificates are trusted; without it the JVM's trust store ({@code javax.net.ssl.trustStore}, else the
 * JDK's {@code cacerts}). Either way the server's certificate must name the host of {@code redisUrl} (or of the
 * master Sentinel hands out) in its subject alternative names, as HTTPS checks it (RFC 2818).
 */
final class RedisTls {

    private RedisTls() {
    }

    /** A socket factory trusting exactly the certificates in {@code pemFile}. */
    static SSLSocketFactory trusting(Path pemFile) {
        try (InputStream in = Files.newInputStream(pemFile)) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) {
                throw new IllegalArgumentException("no certificate in " + pemFile);
            }
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int i = 0;
            for (Certificate c : certs) {
                ks.setCertificateEntry("ca-" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx.getSocketFactory();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read the certificates in " + pemFile + ": " + e.getMessage(), e);
        }
    }

    /** Host name verification on: Jedis leaves it off unless told. */
    static SSLParameters verifyHost() {
        SSLParameters p = new SSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS");
        return p;
    }
}
