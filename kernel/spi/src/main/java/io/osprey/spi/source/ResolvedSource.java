package io.osprey.spi.source;

import java.net.URI;
import java.util.Map;
import java.util.Objects;

/**
 * The media a worker should read.
 *
 * @param video           the main media URL (video, or video and audio together)
 * @param audio           a separate audio URL to mux with it, or {@code null}
 * @param headers         request headers for both URLs (merged over the request's); unmodifiable
 * @param title           a title for the file name and the info card, or empty
 * @param thumbnail       a thumbnail URL, or {@code null}
 * @param durationSeconds the duration if the resolver knows it, else 0
 */
public record ResolvedSource(URI video, URI audio, Map<String, String> headers, String title, URI thumbnail,
                             double durationSeconds) {

    public ResolvedSource {
        Objects.requireNonNull(video, "video");
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        title = title == null ? "" : title;
    }

    /** The request's URLs and headers as they are. */
    public static ResolvedSource direct(SourceRequest request) {
        return new ResolvedSource(request.url(), request.audio(), request.headers(), "", null, 0);
    }
}
