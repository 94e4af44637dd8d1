package io.osprey.kernel.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.kernel.config.ConfigError;
import io.osprey.kernel.config.ConfigLoader;
import io.osprey.kernel.config.ServerConfig;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JettyHostTest {

    private static ServerConfig config(String... sets) throws Exception {
        List<String> all = new ArrayList<>(List.of("server.http.port=0", "server.http.host=127.0.0.1"));
        all.addAll(List.of(sets));
        return new ConfigLoader(null, all, Map.of()).load().server();
    }

    @Test
    void acceptQueueAndSelectorsComeFromTheConfig() throws Exception {
        assertEquals(1024, config().http.acceptQueueSize, "default backlog");
        JettyHost host = new JettyHost(config("server.http.acceptQueueSize=2048", "server.http.selectors=1").http);
        host.start();
        try {
            assertEquals(2048, host.httpConnector().getAcceptQueueSize());
            assertEquals(1, host.httpConnector().getSelectorManager().getSelectorCount());
        } finally {
            host.stop();
        }
    }

    /** With two selectors, the first fills up to selectorFill before the second gets a connection; closes free. */
    @Test
    void newConnectionsFillOneSelectorBeforeTheNext() throws Exception {
        JettyHost host = new JettyHost(config("server.http.selectors=2", "server.http.selectorFill=3").http);
        host.start();
        List<Socket> sockets = new ArrayList<>();
        try {
            GuardedConnector c = (GuardedConnector) host.httpConnector();
            int port = c.getLocalPort();
            for (int i = 0; i < 3; i++) {
                sockets.add(new Socket("127.0.0.1", port));
            }
            awaitLoads(c, 3, 0);
            for (int i = 0; i < 4; i++) {
                sockets.add(new Socket("127.0.0.1", port));
            }
            awaitLoads(c, 4, 3); // full: then the least loaded
            for (Socket s : sockets.subList(0, 3)) {
                s.close();
            }
            sockets.subList(0, 3).clear();
            awaitLoads(c, 1, 3);
            sockets.add(new Socket("127.0.0.1", port));
            awaitLoads(c, 2, 3); // room on the first again
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
            host.stop();
        }
    }

    private static void awaitLoads(GuardedConnector c, int first, int second) throws InterruptedException {
        long end = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < end) {
            int[] l = c.loads();
            if (l.length == 2 && l[0] == first && l[1] == second) {
                return;
            }
            Thread.sleep(10);
        }
        assertEquals(first + "," + second, c.loads()[0] + "," + c.loads()[1]);
    }

    @Test
    void badBacklogOrSelectorCountIsRejectedWithTheKey() {
        ConfigError e = assertThrows(ConfigError.class, () -> config("server.http.acceptQueueSize=0"));
        assertTrue(e.getMessage().contains("acceptQueueSize"), e.getMessage());
        e = assertThrows(ConfigError.class, () -> config("server.http.selectors=-1"));
        assertTrue(e.getMessage().contains("selectors"), e.getMessage());
    }

    /**
     * The handler tree is non-blocking, so a non-blocking route runs on the thread that parsed the request; a
     * blocking route (file serving, admin JSON) is moved to a pool thread first, and a request no route takes after
     * that move still gets its 404.
     */
    @Test
    void blockingRoutesLeaveTheSelectorThread() throws Exception {
        JettyHost host = new JettyHost(config().http);
        host.start();
        try {
            assertEquals(org.eclipse.jetty.util.thread.Invocable.InvocationType.NON_BLOCKING,
                    host.server().getInvocationType(), "the whole tree must stay non-blocking");
            java.util.concurrent.ConcurrentHashMap<String, Boolean> nonBlocking = new java.util.concurrent.ConcurrentHashMap<>();
            host.router().add("test", "/nb/*", new org.eclipse.jetty.server.Handler.Abstract.NonBlocking() {
                @Override
                public boolean handle(org.eclipse.jetty.server.Request rq, org.eclipse.jetty.server.Response rs,
                                      org.eclipse.jetty.util.Callback cb) {
                    return false; // declines everything: the less specific routes get it
                }
            });
            host.router().add("test", "*.x", new org.eclipse.jetty.server.Handler.Abstract.NonBlocking() {
                @Override
                public boolean handle(org.eclipse.jetty.server.Request rq, org.eclipse.jetty.server.Response rs,
                                      org.eclipse.jetty.util.Callback cb) {
                    org.eclipse.jetty.server.Response.writeError(rq, rs, cb, 203);
                    return true;
                }
            });
            host.router().add("test", "/nb", new org.eclipse.jetty.server.Handler.Abstract.NonBlocking() {
                @Override
                public boolean handle(org.eclipse.jetty.server.Request rq, org.eclipse.jetty.server.Response rs,
                                      org.eclipse.jetty.util.Callback cb) {
                    nonBlocking.put("nb", org.eclipse.jetty.util.thread.Invocable.isNonBlockingInvocation());
                    org.eclipse.jetty.server.Response.writeError(rq, rs, cb, 204);
                    return true;
                }
            });
            host.router().add("test", "/b/*", new org.eclipse.jetty.server.Handler.Abstract() {
                @Override
                public boolean handle(org.eclipse.jetty.server.Request rq, org.eclipse.jetty.server.Response rs,
                                      org.eclipse.jetty.util.Callback cb) {
                    nonBlocking.put("b", org.eclipse.jetty.util.thread.Invocable.isNonBlockingInvocation());
                    if (org.eclipse.jetty.server.Request.getPathInContext(rq).startsWith("/b/decline")) {
                        return false;
                    }
                    org.eclipse.jetty.server.Response.writeError(rq, rs, cb, 202);
                    return true;
                }
            });
            assertEquals(204, status(host, "/nb"));
            assertEquals(202, status(host, "/b/take"));
            assertEquals(Boolean.FALSE, nonBlocking.get("b"), "blocking route ran where it may block");
            assertEquals(404, status(host, "/b/decline"));
            assertEquals(203, status(host, "/nb/a.x"), "falls through from the most specific route to the next");
            assertEquals(203, status(host, "/b/decline.x"), "and after a blocking route declines, on the pool");
            assertEquals(404, status(host, "/nb/a.y"));
        } finally {
            host.stop();
        }
    }

    private static int status(JettyHost host, String path) throws Exception {
        try (Socket s = new Socket("127.0.0.1", host.httpPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String line = new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            return Integer.parseInt(line.substring(9, 12));
        }
    }

    /** A burst of connections opened before any is served: every one is accepted and answered. */
    @Test
    void aConnectionBurstIsServedInFull() throws Exception {
        JettyHost host = new JettyHost(config().http);
        host.start();
        List<Socket> sockets = new ArrayList<>();
        try {
            int n = 600;
            for (int i = 0; i < n; i++) {
                Socket s = new Socket();
                s.connect(new InetSocketAddress("127.0.0.1", host.httpPort()), 30_000);
                s.setSoTimeout(30_000);
                sockets.add(s);
            }
            byte[] req = "GET /nothing-here HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII);
            for (Socket s : sockets) {
                s.getOutputStream().write(req);
            }
            int answered = 0;
            for (Socket s : sockets) {
                InputStream in = s.getInputStream();
                String status = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
                if (status.startsWith("HTTP/1.1 404")) {
                    answered++;
                }
            }
            assertEquals(n, answered);
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
            host.stop();
        }
    }
}
