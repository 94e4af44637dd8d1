package io.osprey.media.mp4;

import java.nio.ByteBuffer;
import java.util.List;

/** {@code ftyp} (ISO 14496-12 4.3): major_brand 32, minor_version 32, compatible_brands[] 32 each. */
public final class FileTypeBox extends Box {
    private final String majorBrand;
    private final int minorVersion;
    private final List<String> compatibleBrands;

    public FileTypeBox(String majorBrand, int minorVersion, List<String> compatibleBrands) {
        super("ftyp");
        this.majorBrand = majorBrand;
        this.minorVersion = minorVersion;
        this.compatibleBrands = List.copyOf(compatibleBrands);
    }

    @Override
    protected long contentSize() {
        return 8 + 4L * compatibleBrands.size();
    }

    @Override
    protected void writeContent(ByteBuffer out) {
        putFourCc(out, majorBrand);
        out.putInt(minorVersion);
        for (String brand : compatibleBrands) {
            putFourCc(out, brand);
        }
    }
}
