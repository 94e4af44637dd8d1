package io.osprey.media.mp4;

import java.util.List;

/** Announces movie fragments and their track defaults ({@code mvex}, ISO 14496-12 8.8.1). */
public final class MovieExtendsBox extends ContainerBox {
    public MovieExtendsBox(List<? extends Box> children) {
        super("mvex", children);
    }

    public MovieExtendsBox(Box... children) {
        super("mvex", List.of(children));
    }
}
