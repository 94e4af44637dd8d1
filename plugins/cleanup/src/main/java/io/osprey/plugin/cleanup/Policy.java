package io.osprey.plugin.cleanup;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The cleanup decision, pure: what is on disk (sessions and orphans with their sizes and last writes), how full
 * each filesystem is, and the time in; the ordered list of removals out. No I/O, no clock of its own, so every rule
 * is tested with made-up listings.
 *
 * <p>Rules, in order: finished sessions past their app's {@code maxAgeMinutes}; orphans past
 * {@code orphanAgeMinutes}; then, while recordings together exceed {@code quotaMB}, the oldest finished sessions;
 * then, on each filesystem under its free-space floor, the oldest finished sessions on it. A session is removed
 * whole, or down to its merged file when {@code keepMerged} holds for its app (the floor ignores
 * {@code keepMerged}: a full disk stops every recording). Open sessions, and anything written in the last
 * {@value #SETTLE_MS} ms (a session a recorder is just creating), are never chosen; when only they are left over a
 * limit, the plan says so.
 */
final class Policy {

    /** Nothing written this recently is removed, whatever the policy. */
    static final long SETTLE_MS = 10_000;

    /** A recorded session as the policy sees it; {@code primaryBytes} is 0 without a merged file. */
    record Session(int id, String app, String store, boolean open, long lastModified, long bytes, long primaryBytes) {
    }

    /** A file no recorder claims. */
    record Orphan(int id, String store, long lastModified, long bytes) {
    }

    /** A filesystem's state: bytes usable by us, and its size. */
    record Disk(long usable, long total) {
    }

    enum Reason { AGE, ORPHAN, QUOTA, FLOOR;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Remove session (or orphan) {@code id}; {@code keepPrimary}: all but its merged file. */
    record Action(boolean orphan, int id, Reason reason, boolean keepPrimary, long bytes, long lastModified) {
    }

    /** The decision: actions oldest first, notes for the log and report, filesystems left under their floor. */
    record Plan(List<Action> actions, List<String> notes, Set<String> floorUnmet) {
    }

    private Policy() {
    }

    static Plan decide(List<Session> sessions, List<Orphan> orphans, Map<String, Disk> disks, long now,
                       CleanupConfig c) {
        Map<Integer, Action> chosen = new LinkedHashMap<>();
        List<Action> orphanActions = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Set<String> unmet = new LinkedHashSet<>();
        List<Session> removable = new ArrayList<>();
        for (Session s : sessions) {
            if (!s.open() && now - s.lastModified() >= SETTLE_MS) {
                removable.add(s);
            }
        }
        removable.sort(Comparator.comparingLong(Session::lastModified).thenComparingInt(Session::id));

        for (Session s : removable) {
            long age = c.maxAgeMinutes(s.app());
            if (age > 0 && now - s.lastModified() > age * 60_000) {
                choose(chosen, s, Reason.AGE, c.keepMerged(s.app()));
            }
        }
        long orphanBytes = 0;
        Set<Integer> orphansChosen = new java.util.HashSet<>();
        for (Orphan o : orphans) {
            orphanBytes += o.bytes();
            if (c.orphanAgeMinutes > 0 && now - o.lastModified() >= Math.max(SETTLE_MS, c.orphanAgeMinutes * 60_000)) {
                orphanActions.add(new Action(true, o.id(), Reason.ORPHAN, false, o.bytes(), o.lastModified()));
                orphansChosen.add(o.id());
            }
        }

        if (c.quotaMB > 0) {
            long quota = c.quotaMB << 20;
            long used = orphanBytes - sum(orphanActions);
            for (Session s : sessions) {
                used += s.bytes();
            }
            used -= sum(chosen.values());
            for (Session s : removable) {
                if (used <= quota) {
                    break;
                }
                used -= choose(chosen, s, Reason.QUOTA, c.keepMerged(s.app()));
            }
            if (used > quota) {
                notes.add("recordings use " + used + " bytes, over the quota of " + quota + " by " + (used - quota)
                        + ": what is left is open (being recorded or merged), just written, or kept merged files");
            }
        }

        if (c.floorOn()) {
            Map<String, Long> freed = new HashMap<>();
            for (Session s : sessions) {
                Action a = chosen.get(s.id());
                if (a != null) {
                    freed.merge(s.store(), a.bytes(), Long::sum);
                }
            }
            for (Orphan o : orphans) {
                if (orphansChosen.contains(o.id())) {
                    freed.merge(o.store(), o.bytes(), Long::sum);
                }
            }
            for (Map.Entry<String, Disk> e : disks.entrySet()) {
                String store = e.getKey();
                long need = c.floorBytes(e.getValue().total()) - e.getValue().usable() - freed.getOrDefault(store, 0L);
                for (Session s : removable) {
                    if (need <= 0) {
                        break;
                    }
                    if (s.store().equals(store)) {
                        need -= choose(chosen, s, Reason.FLOOR, false);
                    }
                }
                if (need > 0) {
                    unmet.add(store);
                    notes.add("free space on " + store + " is " + need + " bytes under the floor with nothing left"
                            + " to remove (open sessions and fresh files are never removed)");
                }
            }
        }

        List<Action> all = new ArrayList<>(chosen.values());
        all.addAll(orphanActions);
        all.sort(Comparator.comparingLong(Action::lastModified).thenComparing(Action::orphan)
                .thenComparingInt(Action::id));
        return new Plan(all, notes, unmet);
    }

    /**
     * Chooses {@code s} for removal (or widens a removal that kept the merged file); returns the bytes this adds
     * to what is freed.
     */
    private static long choose(Map<Integer, Action> chosen, Session s, Reason reason, boolean keepMerged) {
        boolean keep = keepMerged && s.primaryBytes() > 0;
        long bytes = keep ? s.bytes() - s.primaryBytes() : s.bytes();
        Action before = chosen.get(s.id());
        if (before != null) {
            if (!before.keepPrimary() || keep) {
                return 0;
            }
            chosen.put(s.id(), new Action(false, s.id(), reason, false, s.bytes(), s.lastModified()));
            return s.bytes() - before.bytes();
        }
        if (bytes <= 0 && keep) {
            return 0; // already down to its merged file
        }
        chosen.put(s.id(), new Action(false, s.id(), reason, keep, bytes, s.lastModified()));
        return bytes;
    }

    private static long sum(Iterable<Action> actions) {
        long n = 0;
        for (Action a : actions) {
            n += a.bytes();
        }
        return n;
    }
}
