package io.osprey.plugin.cleanup;

import io.osprey.spi.recording.RecordedSession;
import io.osprey.spi.recording.Recorder;
import io.osprey.spi.recording.RecordingRegistry;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * One cleanup run: {@link Scan}, {@link Policy}, then the removals oldest first through the {@link Deleter}. Just
 * before a session is removed its recorder is asked again (that stream's sessions only), and a session that has
 * become open, or is gone, is left alone. A dry run does everything but remove, and reports the same list. Runs
 * on the plugin's cleanup thread, one at a time.
 */
final class Cleaner {

    private static final System.Logger LOG = System.getLogger(Cleaner.class.getName());

    /** What was (or, dry, would be) removed, per reason. */
    interface Sink {
        void removed(Policy.Reason reason, long files, long bytes);
    }

    private final Supplier<List<RecordingRegistry.Entry>> registry;
    private final CleanupConfig config;
    private final LongSupplier clock;
    private final Deleter deleter;
    private final BooleanSupplier stopped;
    private final Sink sink;

    Cleaner(Supplier<List<RecordingRegistry.Entry>> registry, CleanupConfig config, LongSupplier clock,
            BooleanSupplier stopped, Sink sink) {
        this.registry = registry;
        this.config = config;
        this.clock = clock;
        this.stopped = stopped;
        this.deleter = new Deleter(stopped);
        this.sink = sink;
    }

    /** Runs once; {@code dry} (or the config's {@code dryRun}) removes nothing. */
    Report run(boolean dry, String trigger) {
        boolean dryRun = dry || config.dryRun;
        long t0 = System.nanoTime();
        long now = clock.getAsLong();
        Scan scan = Scan.of(registry.get());
        long scanned = System.nanoTime();
        List<Policy.Session> sessions = new ArrayList<>();
        for (int i = 0; i < scan.sessions.size(); i++) {
            Scan.Found f = scan.sessions.get(i);
            if (f.files > 0) {
                sessions.add(new Policy.Session(i, f.session.stream().app(), f.root.store(), f.session.open(),
                        f.lastModified, f.bytes, f.primaryBytes));
            }
        }
        List<Policy.Orphan> orphans = new ArrayList<>();
        for (int i = 0; i < scan.orphans.size(); i++) {
            Scan.Orphan o = scan.orphans.get(i);
            orphans.add(new Policy.Orphan(i, o.root().store(), o.lastModified(), o.bytes()));
        }
        Policy.Plan plan = Policy.decide(sessions, orphans, scan.disks, now, config);
        Report report = new Report(trigger, dryRun, Instant.ofEpochMilli(now), scan, plan);
        for (Policy.Action a : plan.actions()) {
            if (stopped.getAsBoolean()) {
                report.notes.add("stopped before the end: the plugin was disabled");
                break;
            }
            if (a.orphan()) {
                Scan.Orphan o = scan.orphans.get(a.id());
                Deleter.Result r = deleter.remove(o.root().real(), o.path(), null, dryRun);
                report.add(a, o.root(), null, o.path(), r);
                count(a, r, dryRun);
            } else {
                Scan.Found f = scan.sessions.get(a.id());
                String why = stillClosed(f);
                if (why != null) {
                    report.notes.add("left " + f.path + ": " + why);
                    continue;
                }
                Deleter.Result r = deleter.remove(f.root.real(), f.path, a.keepPrimary() ? f.primary : null, dryRun);
                report.add(a, f.root, f.session, f.path, r);
                count(a, r, dryRun);
            }
        }
        report.finish((scanned - t0) / 1_000_000, (System.nanoTime() - t0) / 1_000_000);
        for (String n : report.notes) {
            LOG.log(Level.INFO, "cleanup: {0}", n);
        }
        if (!report.removed.isEmpty() || !plan.notes().isEmpty()) {
            LOG.log(Level.INFO, "cleanup ({0}{1}): {2} sessions and orphans, {3} files, {4} bytes {5} in {6} ms",
                    trigger, dryRun ? ", dry run" : "", report.removed.size(), report.files, report.bytes,
                    dryRun ? "would be removed" : "removed", report.tookMs);
        }
        return report;
    }

    private void count(Policy.Action a, Deleter.Result r, boolean dry) {
        if (r.files > 0 && !dry) {
            sink.removed(a.reason(), r.files, r.bytes);
        }
    }

    /** Null if the session may go; else why not (its recorder now says it is open, or no longer lists it). */
    private static String stillClosed(Scan.Found f) {
        Recorder rec = f.root.entry().recorder();
        try {
            for (RecordedSession s : rec.sessions(new Recorder.Listing(f.session.stream(), false, Integer.MAX_VALUE))) {
                Path p = s.path().toAbsolutePath().normalize();
                if (p.equals(f.session.path().toAbsolutePath().normalize())) {
                    return s.open() ? "it is open again (recording or merging)" : null;
                }
            }
            return "its recorder no longer lists it";
        } catch (IOException | RuntimeException e) {
            return "its recorder could not be asked: " + e;
        }
    }

    /** A run's report, rendered by {@link #json()}. */
    static final class Report {
        final String trigger;
        final boolean dryRun;
        final Instant at;
        final long scannedFiles;
        final int sessions;
        final int orphans;
        final List<String> floorUnmet;
        final Map<Path, Long> used;
        final List<Map<String, Object>> removed = new ArrayList<>();
        final List<String> failures = new ArrayList<>();
        final List<String> notes = new ArrayList<>();
        long files;
        long bytes;
        long scanMs;
        long tookMs;

        Report(String trigger, boolean dryRun, Instant at, Scan scan, Policy.Plan plan) {
            this.trigger = trigger;
            this.dryRun = dryRun;
            this.at = at;
            this.scannedFiles = scan.files;
            this.sessions = scan.sessions.size();
            this.orphans = scan.orphans.size();
            this.floorUnmet = new ArrayList<>(plan.floorUnmet());
            this.used = new LinkedHashMap<>(scan.used);
            notes.addAll(plan.notes());
            notes.addAll(scan.skipped);
        }

        void add(Policy.Action a, Scan.Root root, RecordedSession s, Path path, Deleter.Result r) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("path", root.real().relativize(path).toString());
            m.put("root", root.real().toString());
            m.put("reason", a.reason().label());
            if (s != null) {
                m.put("type", s.type());
                m.put("stream", s.stream().toString());
                m.put("session", s.id());
            }
            m.put("keptMerged", a.keepPrimary());
            m.put("files", r.files);
            m.put("bytes", r.bytes);
            m.put("lastModified", Instant.ofEpochMilli(a.lastModified()).toString());
            removed.add(m);
            files += r.files;
            bytes += r.bytes;
            failures.addAll(r.failures);
        }

        void finish(long scanMs, long tookMs) {
            this.scanMs = scanMs;
            this.tookMs = tookMs;
        }

        boolean floorUnmet() {
            return !floorUnmet.isEmpty();
        }

        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("trigger", trigger);
            m.put("dryRun", dryRun);
            m.put("at", at.toString());
            m.put("scanMs", scanMs);
            m.put("tookMs", tookMs);
            m.put("scannedFiles", scannedFiles);
            m.put("sessions", sessions);
            m.put("orphans", orphans);
            m.put("removedFiles", files);
            m.put("removedBytes", bytes);
            m.put("removed", removed);
            m.put("failures", failures);
            m.put("notes", notes);
            m.put("floorUnmet", floorUnmet);
            return m;
        }
    }
}
