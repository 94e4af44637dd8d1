package io.osprey.media.mp4;

import java.util.List;

/** The characteristic information of a track's media ({@code minf}, ISO 14496-12 8.4.4). */
public final class MediaInformationBox extends ContainerBox {
    public MediaInformationBox(List<? extends Box> children) {
        super("minf", children);
    }

    public MediaInformationBox(Box... children) {
        super("minf", List.of(children));
    }
}
