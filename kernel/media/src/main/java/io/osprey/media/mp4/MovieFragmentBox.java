package io.osprey.media.mp4;

import java.util.List;

/** The metadata of one movie fragment ({@code moof}, ISO 14496-12 8.8.4). */
public final class MovieFragmentBox extends ContainerBox {
    public MovieFragmentBox(List<? extends Box> children) {
        super("moof", children);
    }

    public MovieFragmentBox(Box... children) {
        super("moof", List.of(children));
    }
}
