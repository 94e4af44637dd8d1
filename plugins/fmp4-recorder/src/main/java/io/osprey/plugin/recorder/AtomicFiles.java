package io.osprey.plugin.recorder;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** Small files written whole to a temporary name, synced, then renamed over the target (readers never see half). */
final class AtomicFiles {
    private AtomicFiles() {
    }

    /** Writes {@code content} to {@code target}; on failure (a full disk) the temporary file is removed. */
    static void write(Path target, ByteBuffer content) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer b = content.duplicate();
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(false);
            }
            move(tmp, target);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException | RuntimeException ignored) {
                // the first failure is the one to report
            }
            throw e;
        }
    }

    static void write(Path target, String text) throws IOException {
        write(target, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
    }

    static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
