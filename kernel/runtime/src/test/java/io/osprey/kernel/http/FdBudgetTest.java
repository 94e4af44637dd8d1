package io.osprey.kernel.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FdBudgetTest {

    @Test
    void theCapIsTheLimitLessAReserveForFilesAndLogs() {
        assertEquals(20_000 - 2_000, FdBudget.cap(20_000, 0, 0), "a tenth kept back");
        assertEquals(1_024 - 256, FdBudget.cap(1_024, 0, 0), "at least 256 kept back");
        assertEquals(1_048_576 - 4_096, FdBudget.cap(1_048_576, 0, 0), "at most 4096 kept back");
        assertEquals(20_000 - 500, FdBudget.cap(20_000, 500, 0), "a configured reserve");
    }

    @Test
    void aConfiguredCapNeverExceedsWhatTheLimitAllows() {
        assertEquals(3_000, FdBudget.cap(20_000, 0, 3_000));
        assertEquals(18_000, FdBudget.cap(20_000, 0, 50_000));
        assertEquals(3_000, FdBudget.cap(-1, 0, 3_000), "limit unknown: the configured cap");
        assertEquals(Integer.MAX_VALUE, FdBudget.cap(-1, 0, 0), "limit unknown, nothing configured: no cap");
    }

    @Test
    void aConfiguredCapOverTheLimitIsExplainedWithTheFix() {
        String why = FdBudget.shortfall(1_024, 0, 5_000);
        assertTrue(why.contains("server.connections.max is 5000") && why.contains("allows only 768")
                && why.contains("LimitNOFILE"), why);
        assertEquals(null, FdBudget.shortfall(20_000, 0, 5_000), "room enough");
        assertEquals(null, FdBudget.shortfall(1_024, 0, 0), "automatic cap: nothing was promised");
    }

    @Test
    void aTinyLimitStillServesSomeone() {
        assertEquals(64, FdBudget.cap(200, 0, 0), "200 less 256 would be negative");
        assertEquals(50, FdBudget.cap(100, 0, 0));
    }

    @Test
    void theLimitIsReadFromProcLimits(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("limits");
        Files.writeString(f, "Limit                     Soft Limit           Hard Limit           Units     \n"
                + "Max cpu time              unlimited            unlimited            seconds   \n"
                + "Max open files            20000                20000                files     \n");
        assertEquals(20_000, FdBudget.fromProcLimits(f));
        assertEquals(-1, FdBudget.fromProcLimits(dir.resolve("missing")));
        assertTrue(FdBudget.processLimit() > 0, "this JVM knows its limit");
    }
}
