package io.osprey.media.mp4;

import java.util.List;

/** The time and data indexing of a track's samples ({@code stbl}, ISO 14496-12 8.5.1). */
public final class SampleTableBox extends ContainerBox {
    public SampleTableBox(List<? extends Box> children) {
        super("stbl", children);
    }

    public SampleTableBox(Box... children) {
        super("stbl", List.of(children));
    }
}
