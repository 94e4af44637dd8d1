package io.osprey.bench.server;

import io.osprey.testkit.FreePorts;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * A server under test, started by the bench as a child process on free loopback ports, in its own work folder.
 * Each scenario asks it for the URL paths of the outputs it has; null means it has no such output (and
 * {@link #missing} says why).
 */
public abstract class Server implements AutoCloseable {

    public static final String HOST = "127.0.0.1";

    protected final String name;
    protected final Path work;
    protected final int rtmpPort = FreePorts.next();
    protected final int httpPort = FreePorts.next();
    protected Process process;

    protected Server(String name, Path work) {
        this.name = name;
        this.work = work;
    }

    public String name() {
        return name;
    }

    /** Starts the server and returns once it accepts connections; throws with the log's tail if it cannot. */
    public abstract void start() throws IOException, InterruptedException;

    public int rtmpPort() {
        return rtmpPort;
    }

    public int httpPort() {
        return httpPort;
    }

    /** The HTTP-FLV path of a stream, or null. */
    public abstract String flvPath(String app, String stream);

    /** The WebSocket-FLV path of a stream, or null. */
    public abstract String wsPath(String app, String stream);

    /** The HLS playlist path of a stream, or null. */
    public abstract String hlsPath(String app, String stream);

    /** Whether RTMP play is offered. */
    public boolean rtmpPlay() {
        return true;
    }

    /** Why an output is missing (for the report). */
    public String missing(String output) {
        return name + " has no " + output;
    }

    /** The server's heap in use, if it reports it. */
    public OptionalLong heapBytes() {
        return OptionalLong.empty();
    }

    /** The server's direct (off-heap) buffer memory in use, if it reports it. */
    public OptionalLong directBytes() {
        return OptionalLong.empty();
    }

    /** The server's live threads, if it reports them. */
    public OptionalLong threads() {
        return OptionalLong.empty();
    }

    /** Frames the server reports as dropped for slow viewers so far, if it reports them. */
    public OptionalLong framesDropped() {
        return OptionalLong.empty();
    }

    public long pid() {
        return process.pid();
    }

    public ProcStats.Sample sample() {
        return ProcStats.sample(pid());
    }

    /** A one-line description for the report: version and the settings that matter. */
    public abstract String describe();

    protected void awaitPorts(long timeoutMs, Path log, int... ports) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        for (int port : ports) {
            while (true) {
                if (!process.isAlive()) {
                    throw new IOException(name + " exited with " + process.exitValue() + ":\n" + Logs.tail(log, 30));
                }
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(HOST, port), 500);
                    break;
                } catch (IOException e) {
                    if (System.currentTimeMillis() > deadline) {
                        throw new IOException(name + " did not open port " + port + " within " + timeoutMs + " ms:\n"
                                + Logs.tail(log, 30));
                    }
                    Thread.sleep(100);
                }
            }
        }
    }

    /** Stops the process tree: SIGTERM, then SIGKILL after 10 s. */
    @Override
    public void close() throws InterruptedException {
        if (process == null) {
            return;
        }
        var descendants = process.descendants().toList();
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
        for (ProcessHandle h : descendants) {
            if (h.isAlive()) {
                h.destroyForcibly();
            }
        }
    }
}
