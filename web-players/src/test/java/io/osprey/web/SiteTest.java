package io.osprey.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The built site (target/classes/web) as the distribution will serve it: every page's scripts and stylesheets
 * are there and come from this server, the player libraries are the versions package.json pins, and every form
 * control has a label. The pages' behaviour is tested in a browser by the distribution's BrowserIT.
 */
class SiteTest {

    private static final Path SITE = Path.of("target", "classes", "web");
    private static final Pattern ASSET = Pattern.compile("<(?:script|link)\\b[^>]*?\\b(?:src|href)=\"([^\"]+)\"");
    private static final Pattern CONTROL = Pattern.compile("<(input|select|textarea)\\b([^>]*)>");
    private static final Pattern ID = Pattern.compile("\\bid=\"([^\"]+)\"");

    @Test
    void everyPageIsThere() {
        for (String page : List.of("index.html", "play.html", "mp4.html", "video.html", "play_merge.html",
                "console/index.html")) {
            assertTrue(Files.isRegularFile(SITE.resolve(page)), page);
        }
    }

    @Test
    void everyScriptAndStylesheetIsLocalAndPresent() throws IOException {
        for (Path page : pages()) {
            String html = Files.readString(page);
            Matcher m = ASSET.matcher(html);
            int n = 0;
            while (m.find()) {
                String ref = m.group(1);
                if (ref.startsWith("data:")) {
                    continue;
                }
                assertFalse(ref.matches("(?i)^([a-z]+:)?//.*"), page + " loads " + ref + " from another origin");
                Path target = ref.startsWith("/") ? SITE.resolve(ref.substring(1)) : page.getParent().resolve(ref);
                assertTrue(Files.isRegularFile(target.normalize()), page + " refers to a missing " + ref);
                n++;
            }
            assertTrue(n >= 2, page + " has its stylesheet and scripts");
        }
    }

    @Test
    void theLibrariesAreTheVersionsPackageJsonPins() throws IOException {
        String pins = Files.readString(Path.of("package.json"));
        for (String lib : List.of("hls.js", "mpegts.js")) {
            String vendored = Files.readString(SITE.resolve("vendor/" + lib + "/package.json"));
            Matcher v = Pattern.compile("\"version\"\\s*:\\s*\"([^\"]+)\"").matcher(vendored);
            assertTrue(v.find(), lib);
            assertTrue(pins.contains("\"" + lib + "\": \"" + v.group(1) + "\""), lib + " " + v.group(1) + " is pinned");
            assertTrue(Files.isRegularFile(SITE.resolve("vendor/" + lib + "/LICENSE")), lib + " licence");
        }
        assertTrue(Files.size(SITE.resolve("vendor/hls.js/hls.min.js")) > 100_000);
        assertTrue(Files.size(SITE.resolve("vendor/mpegts.js/mpegts.js")) > 100_000);
    }

    @Test
    void everyFormControlHasALabel() throws IOException {
        for (Path page : pages()) {
            String html = Files.readString(page);
            Matcher m = CONTROL.matcher(html);
            while (m.find()) {
                String attrs = m.group(2);
                if (attrs.contains("type=\"hidden\"") || attrs.contains("aria-label=")) {
                    continue;
                }
                Matcher id = ID.matcher(attrs);
                assertTrue(id.find(), page + ": a control without an id cannot be labelled: " + m.group());
                assertTrue(html.contains("for=\"" + id.group(1) + "\""), page + ": no <label for> " + id.group(1));
            }
        }
    }

    @Test
    void everyPageIsEnglishAndScalesToPhones() throws IOException {
        for (Path page : pages()) {
            String html = Files.readString(page);
            assertTrue(html.startsWith("<!doctype html>"), page.toString());
            assertTrue(html.contains("<html lang=\"en\">"), page.toString());
            assertTrue(html.contains("name=\"viewport\" content=\"width=device-width, initial-scale=1\""), page + "");
            assertEquals(1, html.split("<h1").length - 1, page + " has one h1");
        }
    }

    private static List<Path> pages() throws IOException {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(SITE)) {
            s.filter(p -> p.toString().endsWith(".html")).forEach(out::add);
        }
        assertTrue(out.size() >= 6, "pages in " + SITE);
        return out;
    }
}
