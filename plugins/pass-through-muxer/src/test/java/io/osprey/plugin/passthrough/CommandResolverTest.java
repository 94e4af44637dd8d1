package io.osprey.plugin.passthrough;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.testkit.Ffmpeg;
import io.osprey.testkit.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;

/**
 * The {@code command} resolver through a real process: a shell script stands in for {@code yt-dlp -J}, printing the
 * JSON it would (separate video and audio formats, an upstream header, a title), failing, or hanging.
 */
class CommandResolverTest {

    @Test
    void anExtractorsJsonDrivesTheDownloadAndItsFailuresAreClear() throws Exception {
        try (SourceServer source = new SourceServer(Media.dir())) {
            Path script = Files.createTempFile("extractor", ".sh", PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
            Path runs = Files.createTempFile("extractor", ".runs");
            Files.writeString(script, "#!/bin/sh\n"
                    + "echo run >> " + runs + "\n"
                    + "case \"$1\" in\n"
                    + "  *fail*) echo \"ERROR: unsupported URL: $1\" >&2; exit 1 ;;\n"
                    + "  *slow*) sleep 30 ;;\n"
                    + "esac\n"
                    + "printf '{\"title\":\"Talk %s\",\"duration\":6.0,\"requested_formats\":["
                    + "{\"url\":\"" + source.url("/video.mp4") + "\",\"vcodec\":\"avc1\",\"acodec\":\"none\","
                    + "\"http_headers\":{\"User-Agent\":\"extractor-ua\"}},"
                    + "{\"url\":\"" + source.url("/audio.m4a") + "\",\"vcodec\":\"none\",\"acodec\":\"mp4a\"}]}\\n'"
                    + " \"${1##*=}\"\n");
            try (TestServer server = TestServer.start("plugins.pass-through-muxer.allowPrivate=true",
                    "plugins.pass-through-muxer.command.enabled=true",
                    "plugins.pass-through-muxer.command.executable=" + script,
                    "plugins.pass-through-muxer.command.args=[\"{url}\"]",
                    "plugins.pass-through-muxer.command.timeoutMs=1500")) {
                String page = source.url("/watch?v=42");
                HttpResponse<String> info = Downloads.get("http://127.0.0.1:" + server.httpPort()
                        + "/api/passthrough/info?resolver=command&url=" + Downloads.q(page));
                assertEquals(200, info.statusCode(), info.body());
                assertTrue(info.body().contains("\"title\":\"Talk 42\""), info.body());
                HttpResponse<byte[]> r = Downloads.HTTP.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                        Downloads.download(server.httpPort(), page, null) + "&resolver=command")).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(200, r.statusCode(), new String(r.body()));
                assertTrue(r.headers().firstValue("content-disposition").orElse("")
                        .contains("filename=\"Talk 42.mp4\""), r.headers().toString());
                assertEquals("extractor-ua", source.userAgents.get("/video.mp4"), "the extractor's header went on");
                assertEquals(1, Files.readAllLines(runs).size(), "the download reused what /info just resolved");
                Path out = Files.createTempFile("passthrough-cmd", ".mp4");
                Files.write(out, r.body());
                Ffmpeg.Result probe = Ffmpeg.run(30, Ffmpeg.ffprobe(), "-v", "error", "-show_entries",
                        "stream=codec_type,codec_name", "-of", "csv=p=0", out.toString());
                assertTrue(probe.stdout().contains("h264,video") && probe.stdout().contains("aac,audio"),
                        probe.stdout());
                Files.delete(out);

                HttpResponse<String> failed = Downloads.get(Downloads.download(server.httpPort(),
                        source.url("/fail"), null) + "&resolver=command");
                assertEquals(400, failed.statusCode(), failed.body());
                assertTrue(failed.body().contains("unsupported URL"), failed.body());
                long t0 = System.nanoTime();
                HttpResponse<String> slow = Downloads.get(Downloads.download(server.httpPort(),
                        source.url("/slow"), null) + "&resolver=command");
                assertEquals(504, slow.statusCode(), slow.body());
                assertTrue((System.nanoTime() - t0) / 1_000_000 < 10_000, "the extractor's timeout ended it");
                Downloads.await("no extractor left", 2000, () -> ProcessHandle.current().descendants()
                        .noneMatch(p -> p.info().arguments().map(a -> String.join(" ", a).contains(script.toString()))
                                .orElse(false)));
            } finally {
                Files.deleteIfExists(script);
                Files.deleteIfExists(runs);
            }
        }
    }
}
