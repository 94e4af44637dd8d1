package io.osprey.spi.source;

import java.net.URI;
import java.util.Map;
import java.util.Objects;

/**
 * What a client asked for.
 *
 * @param url     the URL the client gave (http or https; already checked for scheme and address by the caller)
 * @param audio   a separate audio URL the client gave, or {@code null}
 * @param headers request headers to send to the source (User-Agent, Referer, Cookie, Authorization) that the
 *                caller's config allows; unmodifiable
 */
public record SourceRequest(URI url, URI audio, Map<String, String> headers) {

    public SourceRequest {
        Objects.requireNonNull(url, "url");
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }
}
