package io.osprey.media.mp4;

import java.util.List;

/** The movie metadata container ({@code moov}, ISO 14496-12 8.2.1). */
public final class MovieBox extends ContainerBox {
    public MovieBox(List<? extends Box> children) {
        super("moov", children);
    }

    public MovieBox(Box... children) {
        super("moov", List.of(children));
    }
}
