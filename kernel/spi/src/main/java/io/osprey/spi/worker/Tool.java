package io.osprey.spi.worker;

/** The executable a worker runs. */
public enum Tool {
    /** The ffmpeg executable of the bytedeco natives on the kernel's class path. */
    FFMPEG,
    /** The ffprobe executable of the same natives. */
    FFPROBE,
    /**
     * Another executable, named by {@link WorkerSpec#executable()} (an absolute path or a name looked up on
     * {@code PATH}); for operator-configured helpers such as an extractor. Never built from client input.
     */
    EXTERNAL
}
