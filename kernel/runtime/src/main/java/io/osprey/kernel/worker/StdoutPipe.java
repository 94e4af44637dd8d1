package io.osprey.kernel.worker;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A child's stdout read into a direct buffer. {@link Process#getInputStream()} reads a pipe through
 * {@code FileInputStream.readBytes}, which mallocs a native buffer for each read, reads into it and copies it into
 * the heap array; writing that heap array to a socket makes the JDK copy it once more into a temporary direct buffer.
 * Read with {@link FileChannel#read(ByteBuffer)} into a direct buffer, the bytes go from the pipe to the socket with
 * no copy in the JVM (bench/run.sh passthrough, docs/pass-through.md).
 *
 * <p>Java has no API for the channel of a child's pipe, so {@link #open} opens the same pipe again through Linux's
 * {@code /proc/PID/fd/1} (a child of the same user may be opened so). Opening a pipe for reading blocks while it has
 * no writer, and the child may end at any moment: so it is first opened for reading and writing (which never blocks),
 * then for reading only (which then cannot block), then the first is closed, leaving the child as the only writer, so
 * end of file comes when it closes its stdout as before. Anything that fails (not Linux, the child already gone, its
 * stdout not a pipe) leaves the stream as it was, and the caller reads that.
 */
final class StdoutPipe {

    private StdoutPipe() {
    }

    /**
     * The child's stdout as a channel on the same pipe; null if it cannot be. The stream stays open: when the child
     * ends, the JDK's reaper thread moves what is left in the pipe into the stream (ProcessPipeInputStream's
     * {@code processExited}); those bytes come after all the channel read, so the caller reads the stream to its end
     * after the channel's end, then closes it.
     */
    static FileChannel open(Process process) {
        Path fd = Path.of("/proc", Long.toString(process.pid()), "fd", "1");
        FileChannel reader = null;
        try {
            if (!Files.readSymbolicLink(fd).toString().startsWith("pipe:")) {
                return null; // the child's stdout is not the pipe we gave it (an extractor's own redirection)
            }
            try (FileChannel holder = FileChannel.open(fd, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                reader = FileChannel.open(fd, StandardOpenOption.READ);
            }
            return reader;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            if (reader != null) {
                try {
                    reader.close();
                } catch (IOException ignored) {
                    // nothing more to do
                }
            }
            return null;
        }
    }

    /** Reads into {@code buf} (cleared first, flipped after): the byte count, or -1 at the end. */
    static int read(FileChannel channel, ByteBuffer buf) throws IOException {
        buf.clear();
        int n = channel.read(buf);
        buf.flip();
        return n;
    }
}
