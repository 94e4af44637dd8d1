package io.osprey.bench.scenario;

import io.osprey.bench.Options;
import io.osprey.bench.flv.FlvSource;
import io.osprey.bench.report.Result;
import io.osprey.bench.report.Stats;
import io.osprey.bench.rtmp.RtmpPublisher;
import io.osprey.bench.server.ProcStats;
import io.osprey.bench.server.Server;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * N publishers replaying the media in real time over RTMP, each to its own stream, ramped at a set rate; optionally
 * {@code --viewers} spread over the streams (HTTP-FLV where the server has it, else RTMP) so that packaging work
 * happens. A publisher is <em>sustained</em> when it is still publishing at the end of the window and the server
 * keeps up with it: what is due (tags are queued when their timestamp comes) minus what the server has read is
 * under a second of media. The send rate over the window is reported beside it (it follows the media's own rate).
 */
public final class Ingest extends Scenario {

    public Ingest(Options o, FlvSource source) {
        super(o, source);
    }

    @Override
    public String name() {
        return "ingest";
    }

    @Override
    public Result run(Server server) throws Exception {
        Result r = new Result(server.name(), name(), server.describe());
        long rssIdle = server.sample().rssBytes();
        try (Clients clients = new Clients(o.clientThreads)) {
            log("%s: ramping %d publishers at %.0f/s", server.name(), o.publishers, o.publisherRamp);
            List<RtmpPublisher> pubs = new ArrayList<>();
            long rampStart = System.nanoTime();
            while (pubs.size() < o.publishers) {
                double elapsed = (System.nanoTime() - rampStart) / 1e9;
                int due = (int) Math.min(o.publishers, Math.max(1, Math.floor(elapsed * o.publisherRamp)));
                while (pubs.size() < due) {
                    pubs.add(clients.publish(server, o.app, o.stream + "-" + pubs.size(), source, o.probeMs));
                }
                Thread.sleep(5);
            }
            long deadline = System.currentTimeMillis() + 15_000;
            int accepted = 0;
            while (System.currentTimeMillis() < deadline) {
                accepted = clients.onPublisherLoop(() -> (int) pubs.stream().filter(p -> p.isPublishing()
                        || p.closeReason() != null).count());
                if (accepted == pubs.size()) {
                    break;
                }
                Thread.sleep(100);
            }
            Clients.Protocol vp = server.flvPath(o.app, o.stream) != null ? Clients.Protocol.FLV
                    : Clients.Protocol.RTMP;
            for (int i = 0; i < o.viewers; i++) {
                String s = o.stream + "-" + (i % pubs.size());
                clients.view(i, vp, viewerTarget(server, vp), vp == Clients.Protocol.FLV ? server.flvPath(o.app, s)
                        : o.app, s);
            }
            sleepSeconds(Math.max(o.settle, o.warmup));
            long[] startBytes = clients.onPublisherLoop(() -> pubs.stream().mapToLong(RtmpPublisher::bytesSent)
                    .toArray());
            OptionalLong dropStart = server.framesDropped();
            ProcStats.Sample cpuStart = server.sample();
            ProcStats.Sample selfStart = ProcStats.self();
            long t0 = System.nanoTime();
            log("%s: measuring %.0f s", server.name(), o.duration);
            long rssMax = 0;
            long end = t0 + (long) (o.duration * 1e9);
            while (System.nanoTime() < end) {
                Thread.sleep(Math.max(1, Math.min(1000, (end - System.nanoTime()) / 1_000_000)));
                rssMax = Math.max(rssMax, server.sample().rssBytes());
            }
            ProcStats.Sample cpuEnd = server.sample();
            ProcStats.Sample selfEnd = ProcStats.self();
            double seconds = (System.nanoTime() - t0) / 1e9;
            OptionalLong dropEnd = server.framesDropped();
            double sourceBps = source.bitsPerSecond();
            Object[] state = clients.onPublisherLoop(() -> {
                double[] rates = new double[pubs.size()];
                int publishing = 0;
                int sustained = 0;
                long maxQueued = 0;
                Map<String, Integer> reasons = new HashMap<>();
                for (int i = 0; i < pubs.size(); i++) {
                    RtmpPublisher p = pubs.get(i);
                    rates[i] = (p.bytesSent() - startBytes[i]) * 8 / seconds;
                    maxQueued = Math.max(maxQueued, p.maxQueued());
                    if (p.isPublishing()) {
                        publishing++;
                        if (p.queuedBytes() < sourceBps / 8) {
                            sustained++;
                        }
                    } else {
                        reasons.merge(String.valueOf(p.closeReason()), 1, Integer::sum);
                    }
                }
                return new Object[] {rates, publishing, sustained, maxQueued, reasons};
            });
            double[] rates = (double[]) state[0];
            Arrays.sort(rates);
            int publishing = (Integer) state[1];
            int sustained = (Integer) state[2];
            @SuppressWarnings("unchecked")
            Map<String, Integer> reasons = (Map<String, Integer>) state[4];
            double cpu = ProcStats.cpuPercent(cpuStart, cpuEnd);
            r.put("publishers", (double) o.publishers);
            r.put("publishing", (double) publishing);
            r.put("sustained", (double) sustained);
            r.put("failed", (double) (o.publishers - publishing));
            r.put("viewers", (double) o.viewers);
            r.put("send min %", Stats.round(100 * Stats.sortedPercentile(rates, 0) / sourceBps, 1));
            r.put("send median %", Stats.round(100 * Stats.sortedPercentile(rates, 50) / sourceBps, 1));
            r.put("server CPU %", Stats.round(cpu, 1));
            r.put("CPU % per stream", publishing == 0 ? Double.NaN : Stats.round(cpu / publishing, 2));
            r.put("RSS MB", toMb(rssMax));
            OptionalLong heap = server.heapBytes();
            r.put("heap MB", heap.isPresent() ? toMb(heap.getAsLong()) : Double.NaN);
            IngestMemory.report(r, server, rssIdle, rssMax, publishing);
            r.put("frames dropped", dropStart.isPresent() && dropEnd.isPresent()
                    ? (double) (dropEnd.getAsLong() - dropStart.getAsLong()) : Double.NaN);
            r.put("bench CPU %", Stats.round(ProcStats.cpuPercent(selfStart, selfEnd), 1));
            r.note(String.format(java.util.Locale.ROOT, "window %.1f s; largest publisher backlog %d KB; send rate "
                    + "is what the server read, against the media's %.0f kbit/s", seconds,
                    (Long) state[3] / 1024, sourceBps / 1000));
            if (!reasons.isEmpty()) {
                r.note("publishers lost: " + reasons);
            }
            if (dropStart.isEmpty()) {
                r.note("frames dropped: not reported by this server");
            }
        }
        return r;
    }
}
