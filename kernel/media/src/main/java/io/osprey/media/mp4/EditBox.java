package io.osprey.media.mp4;

import java.util.List;

/** The edit list container of a track ({@code edts}, ISO 14496-12 8.6.5). */
public final class EditBox extends ContainerBox {
    public EditBox(List<? extends Box> children) {
        super("edts", children);
    }

    public EditBox(Box... children) {
        super("edts", List.of(children));
    }
}
