package io.osprey.media.mp4;

import java.util.List;

/** Where the media data of a track is located ({@code dinf}, ISO 14496-12 8.7.1). */
public final class DataInformationBox extends ContainerBox {
    public DataInformationBox(List<? extends Box> children) {
        super("dinf", children);
    }

    public DataInformationBox(Box... children) {
        super("dinf", List.of(children));
    }
}
