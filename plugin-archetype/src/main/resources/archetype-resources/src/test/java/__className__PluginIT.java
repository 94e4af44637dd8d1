package ${package};

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.testkit.Await;
import io.osprey.testkit.ClipPublisher;
import io.osprey.testkit.TestMedia;
import io.osprey.testkit.TestServer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The plugin in a real embedded server (ServiceLoader mode: the plugin is found on the test class path through
 * META-INF/services), fed by a clip published onto the bus: the route serves live counts, the metric counts.
 */
class ${className}PluginIT {

    @Test
    void servesLiveFrameCountsOfAPublishedClip() throws Exception {
        try (TestServer server = TestServer.start("plugins.${pluginId}.maxStreams=10");
             ClipPublisher pub = ClipPublisher.start(server, "live/cam", TestMedia.h264Aac(2, 300))) {
            Await.until("video frames counted for live/cam", Duration.ofSeconds(15),
                    () -> videoFrames(get(server, "/${pluginId}/streams").body()) >= 25);
            String body = get(server, "/${pluginId}/streams").body();
            assertTrue(body.matches("(?s).*\"lastKeyFrameBytes\":[1-9][0-9]*.*"), body);
            String metrics = get(server, "/metrics").body();
            assertTrue(metrics.contains("osprey_" + ${className}Plugin.ID.replace('-', '_')
                    + "_frames_total{kind=\"video\"}"), metrics);
        }
    }

    @Test
    void refusesABadConfigValueNamingTheKey() {
        Exception e = assertThrows(Exception.class,
                () -> TestServer.start("plugins.${pluginId}.maxStreams=0").close());
        assertTrue(String.valueOf(e.getMessage()).contains("maxStreams"), String.valueOf(e.getMessage()));
    }

    private static long videoFrames(String json) {
        Matcher m = Pattern.compile("\"live/cam\":\\{\"videoFrames\":(\\d+)").matcher(json);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private static HttpResponse<String> get(TestServer server, String path) {
        try {
            return server.get(path);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
