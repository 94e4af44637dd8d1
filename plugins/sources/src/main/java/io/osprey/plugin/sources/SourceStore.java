package io.osprey.plugin.sources;

import io.osprey.media.json.Json;
import io.osprey.spi.bus.StreamKey;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The sources added through the API, kept in {@code <dataDir>/sources/sources.json} (key → spec, the URL with its
 * credentials: the file is written owner-only where the file system allows). Written whole to a temporary file and
 * moved into place, so a crash leaves the old or the new list, never half of one. Thread-safe.
 */
final class SourceStore {

    private static final System.Logger LOG = System.getLogger(SourceStore.class.getName());

    private final Path file;
    private final Map<String, SourceSpec> specs = new LinkedHashMap<>();

    SourceStore(Path dataDir) {
        this.file = dataDir.resolve("sources").resolve("sources.json");
    }

    /** Reads the file; entries that are no longer valid are logged and skipped. */
    synchronized Map<StreamKey, SourceSpec> load() {
        Map<StreamKey, SourceSpec> out = new LinkedHashMap<>();
        if (!Files.isRegularFile(file)) {
            return out;
        }
        try {
            Object root = Json.parse(Files.readString(file, StandardCharsets.UTF_8));
            if (!(root instanceof Map<?, ?> m)) {
                throw new IllegalArgumentException("not a JSON object");
            }
            for (Map.Entry<?, ?> e : m.entrySet()) {
                String key = String.valueOf(e.getKey());
                try {
                    if (!(e.getValue() instanceof Map<?, ?> body)) {
                        throw new IllegalArgumentException("not an object");
                    }
                    SourceSpec spec = SourceSpec.fromJson(body);
                    String problem = spec.problem(key);
                    if (problem != null) {
                        throw new IllegalArgumentException(problem);
                    }
                    specs.put(key, spec);
                    out.put(StreamKey.parse(key), spec);
                } catch (IllegalArgumentException bad) {
                    LOG.log(Level.WARNING, "sources: skipping {0} in {1}: {2}", key, file, bad.getMessage());
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.ERROR, "sources: cannot read " + file + ": " + e.getMessage());
        }
        return out;
    }

    synchronized void put(StreamKey key, SourceSpec spec) throws IOException {
        specs.put(key.toString(), spec);
        save();
    }

    synchronized boolean remove(StreamKey key) throws IOException {
        if (specs.remove(key.toString()) == null) {
            return false;
        }
        save();
        return true;
    }

    private void save() throws IOException {
        Map<String, Object> json = new LinkedHashMap<>();
        specs.forEach((k, v) -> json.put(k, v.json()));
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling("sources.json.tmp");
        Files.writeString(tmp, Json.pretty(json), StandardCharsets.UTF_8);
        try {
            Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // Windows: the data folder's own permissions apply
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
