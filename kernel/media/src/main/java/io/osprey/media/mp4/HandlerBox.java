package io.osprey.media.mp4;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * {@code hdlr} (ISO 14496-12 8.4.3): pre_defined 32 = 0, handler_type 32 ('vide', 'soun'), reserved 3 x 32,
 * name as a null-terminated UTF-8 string.
 */
public final class HandlerBox extends FullBox {
    private final String handlerType;
    private final byte[] name;

    public HandlerBox(String handlerType, String name) {
        super("hdlr", 0, 0);
        this.handlerType = handlerType;
        this.name = name.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    protected long fieldsSize() {
        return 20 + name.length + 1;
    }

    @Override
    protected void writeFields(ByteBuffer out) {
        out.putInt(0);
        putFourCc(out, handlerType);
        out.putInt(0).putInt(0).putInt(0);
        out.put(name).put((byte) 0);
    }
}
