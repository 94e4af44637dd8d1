package io.osprey.kernel.http;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An in-memory key store from PEM files (RFC 7468): a certificate chain ({@code CERTIFICATE} blocks, the server's
 * first) and an unencrypted private key, either PKCS#8 ({@code PRIVATE KEY}, RSA or EC) or PKCS#1
 * ({@code RSA PRIVATE KEY}, as {@code openssl genrsa} wrote before 3.0), which is wrapped into PKCS#8 here.
 */
final class PemKeyStore {

    static final char[] PASSWORD = "osprey".toCharArray();
    private static final Pattern BLOCK =
            Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*?)-----END \\1-----");

    private PemKeyStore() {
    }

    /** Loads both files; the message of the exception names the file and what was wrong with it. */
    static KeyStore load(Path certFile, Path keyFile) throws IOException {
        List<Certificate> chain = new ArrayList<>();
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            for (byte[] der : blocks(certFile, "CERTIFICATE")) {
                chain.add(cf.generateCertificate(new ByteArrayInputStream(der)));
            }
        } catch (GeneralSecurityException e) {
            throw new IOException(certFile + ": not a readable X.509 certificate: " + e.getMessage(), e);
        }
        if (chain.isEmpty()) {
            throw new IOException(certFile + ": no -----BEGIN CERTIFICATE----- block");
        }
        PrivateKey key = privateKey(keyFile, chain.get(0).getPublicKey().getAlgorithm());
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("osprey", key, PASSWORD, chain.toArray(new Certificate[0]));
            return ks;
        } catch (GeneralSecurityException e) {
            throw new IOException(keyFile + ": the key does not go with " + certFile + ": " + e.getMessage(), e);
        }
    }

    private static PrivateKey privateKey(Path file, String algorithm) throws IOException {
        byte[] pkcs8;
        List<byte[]> p8 = blocks(file, "PRIVATE KEY");
        List<byte[]> p1 = blocks(file, "RSA PRIVATE KEY");
        if (!p8.isEmpty()) {
            pkcs8 = p8.get(0);
        } else if (!p1.isEmpty()) {
            pkcs8 = rsaPkcs1ToPkcs8(p1.get(0));
        } else if (!blocks(file, "ENCRYPTED PRIVATE KEY").isEmpty()) {
            throw new IOException(file + ": the key is encrypted; write it without a pass phrase "
                    + "(openssl pkey -in " + file.getFileName() + " -out key.pem) or use a PKCS12 key store");
        } else {
            throw new IOException(file + ": no -----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY----- block");
        }
        try {
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException e) {
            throw new IOException(file + ": not a readable " + algorithm + " private key: " + e.getMessage(), e);
        }
    }

    /**
     * RFC 5208 5: PrivateKeyInfo ::= SEQUENCE { version INTEGER 0, privateKeyAlgorithm AlgorithmIdentifier
     * (rsaEncryption 1.2.840.113549.1.1.1, NULL parameters, RFC 8017 A.1), privateKey OCTET STRING (the PKCS#1
     * RSAPrivateKey) }.
     */
    static byte[] rsaPkcs1ToPkcs8(byte[] pkcs1) {
        byte[] version = {0x02, 0x01, 0x00};
        byte[] algorithm = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01,
                0x01, 0x01, 0x05, 0x00};
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(version);
        body.writeBytes(algorithm);
        body.writeBytes(der(0x04, pkcs1));
        return der(0x30, body.toByteArray());
    }

    /** X.690 8.1: tag, definite length (short form below 128, else 0x80 | byte count, big-endian), contents. */
    private static byte[] der(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
        out.write(tag);
        int n = content.length;
        if (n < 128) {
            out.write(n);
        } else {
            int bytes = n > 0xffffff ? 4 : n > 0xffff ? 3 : n > 0xff ? 2 : 1;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write(n >>> (8 * i));
            }
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static List<byte[]> blocks(Path file, String label) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new IOException(file + ": cannot read: " + e, e);
        }
        List<byte[]> out = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            if (m.group(1).equals(label)) {
                try {
                    out.add(Base64.getMimeDecoder().decode(m.group(2)));
                } catch (IllegalArgumentException e) {
                    throw new IOException(file + ": bad base64 in a " + label + " block", e);
                }
            }
        }
        return out;
    }
}
