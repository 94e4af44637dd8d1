package io.osprey.distribution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Runs one scenario of {@code src/test/browser/drive.mjs} (node + playwright-core driving Debian's headless
 * chromium) and returns what it reported. The script only looks and reports; the tests assert.
 */
final class BrowserDriver {

    static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final String chromium;
    private final Path screenshots;
    private final String base;
    private final String token;
    private boolean insecure;

    BrowserDriver(String base, String token) {
        this.dir = Path.of(System.getProperty("osprey.browser.dir", "target/browser")).toAbsolutePath();
        this.chromium = System.getProperty("osprey.browser.chromium", "/usr/bin/chromium");
        this.screenshots = Path.of(System.getProperty("osprey.screenshots", "target/screenshots")).toAbsolutePath();
        this.base = base;
        this.token = token;
    }

    /** Accepts any certificate (for a test certificate the test made itself). */
    BrowserDriver insecure() {
        insecure = true;
        return this;
    }

    /** What is missing to run a browser here, or null when everything is in place. */
    String missing() {
        if (!Files.isExecutable(Path.of(chromium))) {
            return chromium + " is not installed (.ci/deps installs Debian's chromium)";
        }
        if (!Files.isDirectory(dir.resolve("node_modules/playwright-core"))) {
            return "playwright-core is not installed in " + dir + " (the distribution build runs npm ci there)";
        }
        return null;
    }

    Path screenshots() {
        return screenshots;
    }

    /** Removes the screenshots of an earlier run, so the folder shows only this run's pages. */
    void clearScreenshots() throws IOException {
        if (!Files.isDirectory(screenshots)) {
            return;
        }
        try (var s = Files.list(screenshots)) {
            for (Path p : (Iterable<Path>) s.filter(f -> f.toString().endsWith(".png"))::iterator) {
                Files.delete(p);
            }
        }
    }

    /** Runs {@code scenario} with {@code args}; fails the test if the script itself failed. */
    JsonNode run(String scenario, ObjectNode args) throws IOException, InterruptedException {
        ObjectNode job = JSON.createObjectNode();
        job.put("base", base);
        job.put("token", token);
        job.put("insecure", insecure);
        job.put("chromium", chromium);
        job.put("screenshots", screenshots.toString());
        job.put("scenario", scenario);
        job.set("args", args);
        Path logs = Files.createDirectories(dir.resolve("logs"));
        String name = scenario + "-" + System.nanoTime();
        Path log = logs.resolve(name + ".log");
        Path out = logs.resolve(name + ".json");
        Process p = new ProcessBuilder("node", dir.resolve("drive.mjs").toString(), JSON.writeValueAsString(job))
                .directory(dir.toFile()).redirectError(log.toFile()).redirectOutput(out.toFile()).start();
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                throw new AssertionError("the browser driver did not finish in 120 s (log: " + log + ")");
            }
        } finally {
            // chromium is the driver's child: never leave one behind, even when the driver hangs
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        String text = Files.readString(out, StandardCharsets.UTF_8).trim();
        if (text.isEmpty()) {
            throw new AssertionError("the browser driver printed nothing; its log " + log + ":\n"
                    + Files.readString(log));
        }
        JsonNode reply = JSON.readTree(text.substring(text.lastIndexOf('\n') + 1));
        if (!reply.path("ok").asBoolean()) {
            throw new AssertionError("the browser driver failed: " + reply.path("error").asText() + "\nlog " + log
                    + ":\n" + Files.readString(log));
        }
        return reply.get("result");
    }

    static ObjectNode args() {
        return JSON.createObjectNode();
    }

    /** {"path": path, "screenshot": shot} */
    static ObjectNode page(String path, String shot) {
        ObjectNode n = JSON.createObjectNode();
        n.put("path", path);
        if (shot != null) {
            n.put("screenshot", shot);
        }
        return n;
    }
}
