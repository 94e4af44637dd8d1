package io.osprey.distribution;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.testkit.Await;
import io.osprey.testkit.BoundHttp;
import io.osprey.testkit.Ffmpeg;
import io.osprey.testkit.TestMedia;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * RTMP commands count against the request rates like HTTP requests: an ffmpeg publish spends two (connect,
 * publish); the next RTMP client from the same address is refused at connect with the reason, which ffmpeg shows.
 */
class RateLimitRtmpRateIT {

    @Test
    void anRtmpClientOverItsAddressRateIsRefusedAtConnectWithTheReason() throws Exception {
        try (InProcessServer s = new InProcessServer("plugins:\n  ratelimit:\n"
                + "    requests: { perIp: { rate: 0.05, burst: 2 } }\n")) {
            Process publisher = Ffmpeg.start(Files.createTempFile("rl-rtmp", ".log"), "-re", "-stream_loop", "-1",
                    "-i", TestMedia.h264Aac(10, 500).toString(), "-c", "copy", "-f", "flv", s.rtmp("/live/r"));
            try {
                AtomicInteger from = new AtomicInteger(1); // each poll from a fresh address, so none runs out
                Await.until("the stream to be live", Duration.ofSeconds(20), () -> {
                    try (BoundHttp.Streaming r = BoundHttp.open("127.0.1." + from.incrementAndGet(), s.httpPort(),
                            "/live/r.flv")) {
                        return r.status() == 200;
                    } catch (IOException e) {
                        return false;
                    }
                });
                Ffmpeg.Result play = Ffmpeg.run(20, Ffmpeg.ffmpeg(), "-i", s.rtmp("/live/r"), "-t", "1", "-c", "copy",
                        "-f", "null", "-");
                assertTrue(play.exitCode() != 0, "the third RTMP command from 127.0.0.1 was refused");
                assertTrue(play.stderr().contains("requests.perIp"), "ffmpeg shows the reason: " + play.stderr());
                assertTrue(publisher.isAlive(), "the publisher, admitted before, goes on");
            } finally {
                Ffmpeg.stop(publisher);
            }
        }
    }
}
