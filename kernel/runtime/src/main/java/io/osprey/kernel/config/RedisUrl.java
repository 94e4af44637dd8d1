package io.osprey.kernel.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * {@code cluster.redisUrl}: {@code redis://[[user]:password@]host[:port][/db]}, or {@code rediss://} for TLS, as
 * in the IANA {@code redis} URI scheme (a user without a password is not allowed). {@link #toString()} hides the
 * password, so the URL can be logged.
 */
public record RedisUrl(boolean tls, String host, int port, String user, String password, int database) {

    public static RedisUrl parse(String url) {
        URI u;
        try {
            u = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URL: " + e.getReason());
        }
        String scheme = u.getScheme();
        if (!"redis".equals(scheme) && !"rediss".equals(scheme)) {
            throw new IllegalArgumentException("must start with redis:// or rediss://");
        }
        if (u.getHost() == null || u.getHost().isEmpty()) {
            throw new IllegalArgumentException("has no host");
        }
        int port = u.getPort() < 0 ? 6379 : u.getPort();
        String user = null;
        String password = null;
        String info = u.getRawUserInfo();
        if (info != null && !info.isEmpty()) {
            int colon = info.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("user info must be user:password or :password");
            }
            user = colon == 0 ? null : decode(info.substring(0, colon));
            password = decode(info.substring(colon + 1));
        }
        int db = 0;
        String path = u.getPath();
        if (path != null && path.length() > 1) {
            try {
                db = Integer.parseInt(path.substring(1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("the path must be a database number, was " + path);
            }
            if (db < 0) {
                throw new IllegalArgumentException("the database number must not be negative");
            }
        }
        return new RedisUrl("rediss".equals(scheme), u.getHost(), port, user, password, db);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return (tls ? "rediss://" : "redis://") + (password == null ? "" : (user == null ? "" : user) + ":***@")
                + host + ":" + port + (database == 0 ? "" : "/" + database);
    }
}
