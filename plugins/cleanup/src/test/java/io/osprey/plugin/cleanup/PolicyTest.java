package io.osprey.plugin.cleanup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.plugin.cleanup.Policy.Action;
import io.osprey.plugin.cleanup.Policy.Disk;
import io.osprey.plugin.cleanup.Policy.Orphan;
import io.osprey.plugin.cleanup.Policy.Plan;
import io.osprey.plugin.cleanup.Policy.Reason;
import io.osprey.plugin.cleanup.Policy.Session;
import io.osprey.spi.ConfigException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The decision alone: made-up sessions, orphans and disks, and a fixed clock. */
class PolicyTest {

    static final long NOW = 1_800_000_000_000L;
    static final long MIN = 60_000;
    static final long MB = 1 << 20;

    private static Session finished(int id, long minutesAgo, long bytes) {
        return new Session(id, "live", "disk", false, NOW - minutesAgo * MIN, bytes, 0);
    }

    private static Session open(int id, long minutesAgo, long bytes) {
        return new Session(id, "live", "disk", true, NOW - minutesAgo * MIN, bytes, 0);
    }

    private static List<Integer> ids(Plan p) {
        List<Integer> out = new ArrayList<>();
        for (Action a : p.actions()) {
            out.add(a.orphan() ? -a.id() - 1 : a.id());
        }
        return out;
    }

    @Test
    void everythingIsOffUnlessConfigured() {
        Plan p = Policy.decide(List.of(finished(1, 100_000, 10 * MB)), List.of(new Orphan(0, "disk", 0, MB)),
                Map.of("disk", new Disk(0, 100 * MB)), NOW, new CleanupConfig());
        assertTrue(p.actions().isEmpty());
        assertTrue(p.notes().isEmpty());
    }

    @Test
    void finishedSessionsPastTheAgeGoOldestFirstAndOpenOnesNever() {
        CleanupConfig c = new CleanupConfig();
        c.maxAgeMinutes = 60;
        Plan p = Policy.decide(List.of(finished(1, 61, MB), finished(2, 59, MB), open(3, 600, MB),
                finished(4, 120, MB)), List.of(), Map.of(), NOW, c);
        assertEquals(List.of(4, 1), ids(p));
        assertTrue(p.actions().stream().allMatch(a -> a.reason() == Reason.AGE && !a.keepPrimary()));
    }

    @Test
    void perAppAgeOverridesAndZeroKeepsForever() {
        CleanupConfig c = new CleanupConfig();
        c.maxAgeMinutes = 60;
        CleanupConfig.AppPolicy events = new CleanupConfig.AppPolicy();
        events.maxAgeMinutes = 0L;
        CleanupConfig.AppPolicy shortLived = new CleanupConfig.AppPolicy();
        shortLived.maxAgeMinutes = 5L;
        c.apps.put("events", events);
        c.apps.put("cam", shortLived);
        Plan p = Policy.decide(List.of(new Session(1, "events", "d", false, NOW - 999 * MIN, MB, 0),
                new Session(2, "cam", "d", false, NOW - 6 * MIN, MB, 0),
                new Session(3, "live", "d", false, NOW - 30 * MIN, MB, 0)), List.of(), Map.of(), NOW, c);
        assertEquals(List.of(2), ids(p));
    }

    @Test
    void keepMergedRemovesAllButTheMergedFileAndSkipsSessionsAlreadyReduced() {
        CleanupConfig c = new CleanupConfig();
        c.maxAgeMinutes = 1;
        c.keepMerged = true;
        Plan p = Policy.decide(List.of(new Session(1, "live", "d", false, NOW - 10 * MIN, 30 * MB, 10 * MB),
                new Session(2, "live", "d", false, NOW - 10 * MIN, 10 * MB, 10 * MB),
                new Session(3, "live", "d", false, NOW - 10 * MIN, 5 * MB, 0)), List.of(), Map.of(), NOW, c);
        assertEquals(List.of(1, 3), ids(p));
        assertTrue(p.actions().get(0).keepPrimary());
        assertEquals(20 * MB, p.actions().get(0).bytes());
        assertFalse(p.actions().get(1).keepPrimary(), "no merged file: the session goes whole");
    }

    @Test
    void orphansGoAfterTheirAgeOnly() {
        CleanupConfig c = new CleanupConfig();
        c.orphanAgeMinutes = 30;
        Plan p = Policy.decide(List.of(), List.of(new Orphan(0, "d", NOW - 31 * MIN, 5),
                new Orphan(1, "d", NOW - 29 * MIN, 5)), Map.of(), NOW, c);
        assertEquals(List.of(-1), ids(p));
        assertEquals(Reason.ORPHAN, p.actions().get(0).reason());
    }

    @Test
    void quotaRemovesOldestFinishedUntilUnderAndLeavesTheLiveOneEvenIfAloneOver() {
        CleanupConfig c = new CleanupConfig();
        c.quotaMB = 25;
        Plan p = Policy.decide(List.of(finished(1, 30, 10 * MB), finished(2, 20, 10 * MB), finished(3, 10, 10 * MB),
                open(4, 0, 10 * MB)), List.of(), Map.of(), NOW, c);
        assertEquals(List.of(1, 2), ids(p), "40 MB over 25: the two oldest finished go, to 20 MB");
        assertTrue(p.notes().isEmpty(), p.notes().toString());

        Plan alone = Policy.decide(List.of(finished(1, 30, 10 * MB), open(2, 0, 40 * MB)), List.of(), Map.of(), NOW,
                c);
        assertEquals(List.of(1), ids(alone));
        assertEquals(1, alone.notes().size());
        assertTrue(alone.notes().get(0).contains("over the quota"), alone.notes().toString());
    }

    @Test
    void quotaCountsWhatAgeAndOrphansAlreadyFree() {
        CleanupConfig c = new CleanupConfig();
        c.quotaMB = 20;
        c.maxAgeMinutes = 100;
        c.orphanAgeMinutes = 1;
        Plan p = Policy.decide(List.of(finished(1, 200, 10 * MB), finished(2, 50, 10 * MB), finished(3, 40, 10 * MB)),
                List.of(new Orphan(0, "disk", NOW - 5 * MIN, 5 * MB)), Map.of(), NOW, c);
        assertEquals(List.of(1, -1), ids(p), "35 MB - 10 (age) - 5 (orphan) = 20: nothing more");
    }

    @Test
    void floorRemovesOldestOnThatFilesystemAndIgnoresKeepMerged() {
        CleanupConfig c = new CleanupConfig();
        c.minFreePercent = 10;
        c.keepMerged = true;
        List<Session> s = List.of(new Session(1, "live", "a", false, NOW - 50 * MIN, 8 * MB, 6 * MB),
                new Session(2, "live", "b", false, NOW - 40 * MIN, 8 * MB, 0),
                new Session(3, "live", "a", false, NOW - 30 * MIN, 8 * MB, 0),
                new Session(4, "live", "a", false, NOW - 20 * MIN, 8 * MB, 0));
        // filesystem a: 100 MB, 5 MB free, floor 10 MB: needs 5 MB; b is fine
        Plan p = Policy.decide(s, List.of(), Map.of("a", new Disk(5 * MB, 100 * MB), "b", new Disk(50 * MB, 100 * MB)),
                NOW, c);
        assertEquals(List.of(1), ids(p));
        assertFalse(p.actions().get(0).keepPrimary(), "a full disk outranks keepMerged");
        assertTrue(p.floorUnmet().isEmpty());

        Plan deeper = Policy.decide(s, List.of(), Map.of("a", new Disk(0, 100 * MB)), NOW, c);
        assertEquals(List.of(1, 3), ids(deeper), "10 MB needed: two sessions of 8 MB on a");
    }

    @Test
    void floorUnmetWhenOnlyOpenOrFreshSessionsAreLeft() {
        CleanupConfig c = new CleanupConfig();
        c.minFreeMB = 50;
        Plan p = Policy.decide(List.of(open(1, 100, 80 * MB),
                new Session(2, "live", "disk", false, NOW - 1000, 10 * MB, 0)), List.of(),
                Map.of("disk", new Disk(10 * MB, 100 * MB)), NOW, c);
        assertTrue(p.actions().isEmpty(), "open, and written a second ago: both stay");
        assertEquals(java.util.Set.of("disk"), p.floorUnmet());
    }

    @Test
    void ageThenQuotaUpgradeNothingTwice() {
        CleanupConfig c = new CleanupConfig();
        c.maxAgeMinutes = 10;
        c.quotaMB = 1;
        Plan p = Policy.decide(List.of(finished(1, 30, 10 * MB), finished(2, 5, 10 * MB)), List.of(), Map.of(), NOW,
                c);
        assertEquals(List.of(1, 2), ids(p));
        assertEquals(Reason.AGE, p.actions().get(0).reason());
        assertEquals(Reason.QUOTA, p.actions().get(1).reason());
    }

    @Test
    void badValuesNameTheirKey() {
        CleanupConfig c = new CleanupConfig();
        c.minFreePercent = 100;
        assertEquals("minFreePercent", assertThrowsConfig(c));
        CleanupConfig d = new CleanupConfig();
        d.apps.put("bad app", new CleanupConfig.AppPolicy());
        assertEquals("apps.bad app", assertThrowsConfig(d));
        // a negative per-app maxAgeMinutes is the kernel's @Setting rule: see CleanupConfigDocsTest
    }

    private static String assertThrowsConfig(CleanupConfig c) {
        return org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class, c::validate).key();
    }
}
