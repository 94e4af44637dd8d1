package io.osprey.plugin.hls;

import io.osprey.spi.bus.StreamKey;
import io.osprey.spi.recording.RecordedSession;
import io.osprey.spi.recording.Recorder;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The disk mirror as the recordings registry sees it: one open session per mirrored live stream
 * ({@code <mirrorDir>/{app}/{stream}/}). A mirror removes its files when its stream ends, so anything else under the
 * root (a crash's leftovers) is claimed by no one, and the cleaner may remove it as an orphan.
 */
final class MirrorRecorder implements Recorder {

    private final Path root;
    private final Supplier<? extends Iterable<StreamKey>> live;

    MirrorRecorder(Path root, Supplier<? extends Iterable<StreamKey>> live) {
        this.root = root.toAbsolutePath().normalize();
        this.live = live;
    }

    @Override
    public String type() {
        return "hls";
    }

    @Override
    public Path root() {
        return root;
    }

    @Override
    public List<RecordedSession> sessions(Listing listing) {
        List<RecordedSession> out = new ArrayList<>();
        for (StreamKey key : live.get()) {
            Path dir = root.resolve(key.app()).resolve(key.name());
            if (listing.wants(key) && out.size() < listing.limit() && Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                out.add(new RecordedSession("hls", key, "live", dir, true, "live", null, null, -1,
                        Map.of("playlist", HlsHandler.PREFIX + key.app() + "/" + key.name() + "/" + DiskMirror.PLAYLIST),
                        null));
            }
        }
        return out;
    }
}
