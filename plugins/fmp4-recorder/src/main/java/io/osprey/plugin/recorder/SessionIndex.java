package io.osprey.plugin.recorder;

import io.osprey.media.json.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A session's {@code index.json}: what an MSE player walks (per segment set the init segment, the playlist, the
 * MIME type with codecs, and each closed segment's URI, start, duration and size) plus the merged file once it
 * exists. Paths are relative to the session folder. Rewritten whole (temp file + rename) at each change.
 */
final class SessionIndex {

    /** One segment set as the index shows it. */
    record SetEntry(String init, String playlist, String mime, List<Map<String, Object>> segments) {
    }

    private final SessionDir session;
    private final Map<String, SetEntry> sets = new LinkedHashMap<>();
    private String state = "recording";
    private Map<String, Object> full;

    SessionIndex(SessionDir session) {
        this.session = session;
    }

    /** Sets (or replaces) {@code name} ({@code merged}, {@code video}, {@code audio}). */
    void set(String name, String folder, String init, String playlist, String mime,
             List<SegmentOutput.Segment> segments) {
        List<Map<String, Object>> list = new ArrayList<>(segments.size());
        for (SegmentOutput.Segment s : segments) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("uri", folder + "/" + s.name());
            m.put("start", s.start());
            m.put("duration", s.duration());
            m.put("size", s.size());
            list.add(m);
        }
        sets.put(name, new SetEntry(folder + "/" + init, folder + "/" + playlist, mime, list));
    }

    void clearSets() {
        sets.clear();
    }

    void state(String state) {
        this.state = state;
    }

    void full(long size, double duration) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("uri", SessionDir.FULL);
        m.put("size", size);
        m.put("duration", duration);
        this.full = m;
    }

    String render() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("version", 1);
        root.put("stream", session.key().toString());
        root.put("session", session.name());
        root.put("started", String.valueOf(session.started()));
        root.put("state", state);
        root.put("full", full);
        Map<String, Object> setMap = new LinkedHashMap<>();
        sets.forEach((name, e) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("init", e.init());
            m.put("playlist", e.playlist());
            m.put("mime", e.mime());
            m.put("segments", e.segments());
            setMap.put(name, m);
        });
        root.put("sets", setMap);
        return Json.pretty(root);
    }

    void write() throws IOException {
        AtomicFiles.write(session.dir().resolve(SessionDir.INDEX), render());
    }
}
