package io.osprey.kernel.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The live stderr log: its per-minute budget, the count of lines passed over, masked passwords, line cutting. */
class StderrLogTest {

    @Test
    void atMostTheBudgetPerMinuteAndThePassedOverAreCounted() {
        AtomicLong now = new AtomicLong();
        List<String> out = new ArrayList<>();
        StderrLog log = new StderrLog("source cams/door", 2, out::add, now::get);
        for (int i = 0; i < 5; i++) {
            log.line("warning " + i);
        }
        assertEquals(List.of("source cams/door: warning 0", "source cams/door: warning 1"), out);
        now.addAndGet(61_000_000_000L);
        log.line("warning 5");
        assertEquals("source cams/door: warning 5 (3 earlier lines not logged)", out.get(2));
        log.line("warning 6");
        assertEquals("source cams/door: warning 6", out.get(3));
    }

    @Test
    void passwordsInUrlsAreMasked() {
        assertEquals("[tcp @ 0x1] rtsp://viewer:***@10.0.0.21:554/x: Connection refused",
                StderrLog.mask("[tcp @ 0x1] rtsp://viewer:s3cr:et@10.0.0.21:554/x: Connection refused"));
        assertEquals("no url here: a:b@c", StderrLog.mask("no url here: a:b@c"));
    }

    @Test
    void linesAreCutAtNewlineAndCarriageReturn() {
        List<String> out = new ArrayList<>();
        WorkerProcess.LineSplitter s = new WorkerProcess.LineSplitter(out::add);
        byte[] b = "one\ntw".getBytes();
        s.accept(b, b.length);
        byte[] c = "o\r\rthree\r\nfour".getBytes();
        s.accept(c, c.length);
        s.flush();
        assertEquals(List.of("one", "two", "three", "four"), out);
    }
}
