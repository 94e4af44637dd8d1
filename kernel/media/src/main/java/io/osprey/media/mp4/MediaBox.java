package io.osprey.media.mp4;

import java.util.List;

/** The media declarations of a track ({@code mdia}, ISO 14496-12 8.4.1). */
public final class MediaBox extends ContainerBox {
    public MediaBox(List<? extends Box> children) {
        super("mdia", children);
    }

    public MediaBox(Box... children) {
        super("mdia", List.of(children));
    }
}
