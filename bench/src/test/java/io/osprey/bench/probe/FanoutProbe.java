package io.osprey.bench.probe;

import io.osprey.spi.bus.StreamKey;
import io.osprey.testkit.ClipPublisher;
import io.osprey.testkit.TestMedia;
import io.osprey.testkit.TestServer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A throwaway fan-out measurement (not a test): an embedded server, one real-time stream from the test clip, and N
 * HTTP-FLV viewers read by one NIO selector thread in the same process. Reports what each viewer received, time to
 * first byte, write calls per viewer per second, and the CPU of the server's threads (the reader's and the
 * publisher's own threads excluded). Usage: {@code FanoutProbe <viewers> <seconds> [kbps]}, from the bench's test
 * class path (it embeds the server with the HTTP-FLV plugin). A probe for looking into one server in-process, next
 * to the bench's {@code fanout-flv} scenario that measures a real one over sockets; it asserts nothing, so it is no
 * test.
 */
public final class FanoutProbe {

    public static void main(String[] args) throws Exception {
        int viewers = Integer.parseInt(args[0]);
        int seconds = Integer.parseInt(args[1]);
        int kbps = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (TestServer server = TestServer.start("server.http.idleTimeoutMs=120000");
             ClipPublisher p = ClipPublisher.start(server.kernel().bus(), new StreamKey("live", "fan"),
                     TestMedia.h264Aac(10, kbps))) {
            Thread.sleep(2000);
            Selector selector = Selector.open();
            long[] bytes = new long[viewers];
            long[] firstByte = new long[viewers];
            long[] connectedAt = new long[viewers];
            byte[] get = "GET /live/fan.flv HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < viewers; i++) { // non-blocking connects: every viewer is read from its first byte
                SocketChannel ch = SocketChannel.open();
                ch.configureBlocking(false);
                ch.connect(new InetSocketAddress("127.0.0.1", server.httpPort()));
                ch.register(selector, SelectionKey.OP_CONNECT, i);
            }
            com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
                    ManagementFactory.getOperatingSystemMXBean();
            long proc0 = os.getProcessCpuTime();
            long readerThread = Thread.currentThread().getId();
            long cpu0 = serverCpu(threads, readerThread);
            long wall0 = System.nanoTime();
            long in0 = server.kernel().bus().bytesIn();
            double writes0 = metric(server, "osprey_httpflv_writes_total{protocol=\"httpflv\"}");
            long[] bytesAtStart = new long[viewers];
            boolean measuring = false;
            ByteBuffer buf = ByteBuffer.allocateDirect(256 * 1024);
            long end = System.nanoTime() + (seconds + 2) * 1_000_000_000L;
            while (System.nanoTime() < end) {
                if (!measuring && System.nanoTime() - wall0 > 2_000_000_000L) { // 2 s warm-up after the joins
                    measuring = true;
                    bytesAtStart = bytes.clone();
                    cpu0 = serverCpu(threads, readerThread);
                    proc0 = os.getProcessCpuTime();
                    wall0 = System.nanoTime();
                    in0 = server.kernel().bus().bytesIn();
                    writes0 = metric(server, "osprey_httpflv_writes_total{protocol=\"httpflv\"}");
                }
                selector.select(100);
                for (SelectionKey k : selector.selectedKeys()) {
                    int i = (Integer) k.attachment();
                    if (k.isConnectable()) {
                        SocketChannel ch = (SocketChannel) k.channel();
                        ch.finishConnect();
                        connectedAt[i] = System.nanoTime();
                        ch.write(ByteBuffer.wrap(get));
                        k.interestOps(SelectionKey.OP_READ);
                        continue;
                    }
                    int n;
                    while ((n = ((SocketChannel) k.channel()).read(buf.clear())) > 0) {
                        if (firstByte[i] == 0) {
                            firstByte[i] = System.nanoTime();
                        }
                        bytes[i] += n;
                    }
                    if (n < 0) {
                        k.cancel();
                    }
                }
                selector.selectedKeys().clear();
            }
            double wall = (System.nanoTime() - wall0) / 1e9;
            double proc = (os.getProcessCpuTime() - proc0) / 1e9;
            double cpu = (serverCpu(threads, readerThread) - cpu0) / 1e9;
            double in = (server.kernel().bus().bytesIn() - in0) / wall;
            double writes = (metric(server, "osprey_httpflv_writes_total{protocol=\"httpflv\"}") - writes0) / wall;
            double[] rate = new double[viewers];
            double[] ttfb = new double[viewers];
            int below95 = 0;
            for (int i = 0; i < viewers; i++) {
                rate[i] = (bytes[i] - bytesAtStart[i]) / wall;
                ttfb[i] = firstByte[i] == 0 ? Double.NaN : (firstByte[i] - connectedAt[i]) / 1e6;
                if (rate[i] < 0.95 * in) {
                    below95++;
                }
            }
            Arrays.sort(rate);
            Arrays.sort(ttfb);
            System.out.printf("viewers %d, %d kbps clip, %.1f s measured%n", viewers, kbps, wall);
            System.out.printf("source payload %.0f B/s; per viewer min %.0f / median %.0f B/s; below 95%%: %d%n", in,
                    rate[0], rate[viewers / 2], below95);
            System.out.printf("first byte p50 %.1f ms, p95 %.1f ms, max %.1f ms%n", ttfb[viewers / 2],
                    ttfb[(int) (viewers * 0.95)], ttfb[viewers - 1]);
            System.out.printf("write calls: %.0f /s in total, %.1f /s per viewer%n", writes, writes / viewers);
            System.out.printf("server CPU %.2f cores (%.1f %% of one core), %.3f %% of a core per viewer%n", cpu / wall,
                    100 * cpu / wall, 100 * cpu / wall / viewers);
            System.out.printf("whole process (server + reader + publisher + GC) %.2f cores%n", proc / wall);
        }
    }

    private static long serverCpu(ThreadMXBean threads, long exclude) {
        long sum = 0;
        for (long id : threads.getAllThreadIds()) {
            if (id == exclude) {
                continue;
            }
            java.lang.management.ThreadInfo info = threads.getThreadInfo(id);
            if (info == null || info.getThreadName().startsWith("clip-publisher")) {
                continue;
            }
            long t = threads.getThreadCpuTime(id);
            sum += Math.max(0, t);
        }
        return sum;
    }

    private static double metric(TestServer server, String name) throws Exception {
        for (String line : server.get("/metrics").body().split("\n")) {
            if (line.startsWith(name + " ")) {
                return Double.parseDouble(line.substring(name.length() + 1).trim());
            }
        }
        return 0;
    }
}
