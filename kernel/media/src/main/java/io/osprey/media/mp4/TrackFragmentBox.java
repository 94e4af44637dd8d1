package io.osprey.media.mp4;

import java.util.List;

/** One track's part of a movie fragment ({@code traf}, ISO 14496-12 8.8.6). */
public final class TrackFragmentBox extends ContainerBox {
    public TrackFragmentBox(List<? extends Box> children) {
        super("traf", children);
    }

    public TrackFragmentBox(Box... children) {
        super("traf", List.of(children));
    }
}
