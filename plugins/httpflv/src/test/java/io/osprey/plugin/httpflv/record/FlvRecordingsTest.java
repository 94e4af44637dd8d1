package io.osprey.plugin.httpflv.record;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.osprey.spi.bus.StreamKey;
import io.osprey.spi.recording.RecordedSession;
import io.osprey.spi.recording.Recorder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlvRecordingsTest {

    @TempDir
    Path root;

    @Test
    void aLimitedListingKeepsTheNewestFiles() throws Exception {
        Path dir = Files.createDirectories(root.resolve("live").resolve("cam"));
        // created oldest last, so directory order cannot happen to be time order
        for (String name : List.of("20261203_100000", "20261203_120000", "20261201_235959", "20261203_110000")) {
            Files.write(dir.resolve(name + ".flv"), new byte[] {'F', 'L', 'V'});
        }
        Files.writeString(dir.resolve("notes.txt"), "not a recording");
        FlvRecordings recordings = new FlvRecordings(root, Set::of);
        List<RecordedSession> two = recordings.sessions(new Recorder.Listing(new StreamKey("live", "cam"), false, 2));
        assertEquals(List.of("20261203_120000", "20261203_110000"), two.stream().map(RecordedSession::id).toList());
        assertEquals(4, recordings.sessions(Recorder.Listing.ALL).size());
        assertEquals(0, recordings.sessions(new Recorder.Listing(new StreamKey("live", "other"), false, 10)).size());
    }
}
