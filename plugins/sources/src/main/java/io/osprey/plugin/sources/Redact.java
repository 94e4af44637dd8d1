package io.osprey.plugin.sources;

import java.util.regex.Pattern;

/** Hides the password of {@code scheme://user:password@host} URLs in logs, the API and worker stderr. */
final class Redact {

    private static final Pattern USERINFO = Pattern.compile("(?i)([a-z][a-z0-9+.-]*://[^/@:\\s]*):[^/@\\s]*@");

    private Redact() {
    }

    /** {@code rtsp://admin:secret@cam/} → {@code rtsp://admin:***@cam/}; text without credentials is unchanged. */
    static String url(String text) {
        return text == null ? null : USERINFO.matcher(text).replaceAll("$1:***@");
    }
}
