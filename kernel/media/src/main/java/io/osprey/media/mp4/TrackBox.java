package io.osprey.media.mp4;

import java.util.List;

/** One track of a movie ({@code trak}, ISO 14496-12 8.3.1). */
public final class TrackBox extends ContainerBox {
    public TrackBox(List<? extends Box> children) {
        super("trak", children);
    }

    public TrackBox(Box... children) {
        super("trak", List.of(children));
    }
}
