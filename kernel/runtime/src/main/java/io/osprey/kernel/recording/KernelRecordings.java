package io.osprey.kernel.recording;

import io.osprey.spi.recording.Recorder;
import io.osprey.spi.recording.RecordingRegistry;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/** The union of every registered recorder; registrations come and go with their plugins. */
public final class KernelRecordings implements RecordingRegistry {

    private static final System.Logger LOG = System.getLogger(KernelRecordings.class.getName());

    private final CopyOnWriteArrayList<Slot> slots = new CopyOnWriteArrayList<>();

    private static final class Slot implements RecorderRegistration {
        final String pluginId;
        final Recorder recorder;
        final CopyOnWriteArrayList<Slot> owner;
        volatile boolean ready;

        Slot(String pluginId, Recorder recorder, CopyOnWriteArrayList<Slot> owner) {
            this.pluginId = pluginId;
            this.recorder = recorder;
            this.owner = owner;
        }

        @Override
        public void ready() {
            if (!ready) {
                ready = true;
                LOG.log(Level.DEBUG, "recorder {0} of {1} is ready", recorder.type(), pluginId);
            }
        }

        @Override
        public void close() {
            owner.remove(this);
        }
    }

    /** Registers {@code recorder} for plugin {@code pluginId}. */
    public RecorderRegistration register(String pluginId, Recorder recorder) {
        Objects.requireNonNull(recorder, "recorder");
        Path root = Objects.requireNonNull(recorder.root(), "root");
        if (!root.isAbsolute()) {
            throw new IllegalArgumentException("a recorder's root must be absolute: " + root);
        }
        Slot s = new Slot(pluginId, recorder, slots);
        slots.add(s);
        LOG.log(Level.INFO, "{0} records {1} under {2}", pluginId, recorder.type(), root);
        return s;
    }

    @Override
    public RecorderRegistration register(Recorder recorder) {
        return register("kernel", recorder);
    }

    @Override
    public List<Entry> recorders() {
        List<Entry> out = new ArrayList<>(slots.size());
        for (Slot s : slots) {
            out.add(new Entry(s.pluginId, s.recorder, s.ready));
        }
        return out;
    }
}
