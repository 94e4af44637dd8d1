package io.osprey.plugin.hls;

/** The segment container of a variant: MPEG-TS (RFC 8216 3.2) or fragmented MP4 / CMAF (RFC 8216 3.3). */
enum HlsFormat {
    TS(".ts", "video/mp2t"),
    FMP4(".m4s", "video/iso.segment");

    private final String extension;
    private final String contentType;

    HlsFormat(String extension, String contentType) {
        this.extension = extension;
        this.contentType = contentType;
    }

    /** File extension of media segments and parts, with the dot. */
    String extension() {
        return extension;
    }

    String contentType() {
        return contentType;
    }
}
