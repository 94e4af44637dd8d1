package io.osprey.plugin.passthrough;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * {@code GET /api/passthrough/info|download} (public, behind the access and admission hooks) and, through
 * {@link #status}, the admin-only {@code GET /api/passthrough/status}. Nothing here blocks: DNS, redirects, the
 * hooks and the workers all complete later on other threads.
 */
final class PassthroughHandler extends Handler.Abstract.NonBlocking {

    static final String PREFIX = "/api/passthrough/";

    private final PassthroughService service;
    private final PassthroughConfig config;

    PassthroughHandler(PassthroughService service, PassthroughConfig config) {
        this.service = service;
        this.config = config;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        if (path == null || !path.startsWith(PREFIX)) {
            return false;
        }
        String what = path.substring(PREFIX.length());
        if (!config.corsOrigin.isEmpty()) {
            response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_ORIGIN, config.corsOrigin);
            response.getHeaders().put(HttpHeader.ACCESS_CONTROL_EXPOSE_HEADERS, "Content-Disposition, Retry-After");
        }
        if (!HttpMethod.GET.is(request.getMethod())) {
            Answers.error(response, callback, new Refusal(405, "only GET"));
            return true;
        }
        Map<String, String> params = params(request);
        switch (what) {
            case "info" -> service.info(remote(request), params, forwarded(request), response, callback);
            case "download" -> service.download(remote(request), params, forwarded(request), response, callback,
                    gone -> watch(request, response, gone));
            default -> Answers.error(response, callback, new Refusal(404, "no such endpoint: " + PREFIX
                    + (what.length() > 32 ? what.substring(0, 32) : what)));
        }
        return true;
    }

    /**
     * {@code GET /api/passthrough/status}: the gates and workers now. Registered as an admin route (the kernel
     * checks the bearer token): it is the operator's view, like the rest of the admin API; the same numbers are
     * in {@code /metrics}.
     */
    static Handler status(PassthroughService service) {
        return new Handler.Abstract.NonBlocking() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                if (!HttpMethod.GET.is(request.getMethod())) {
                    Answers.error(response, callback, new Refusal(405, "only GET"));
                } else {
                    Answers.json(response, callback, 200, service.status());
                }
                return true;
            }
        };
    }

    /**
     * Runs {@code gone} when the client leaves. Jetty sees that only when it reads or writes, and a download waiting
     * for the hooks, the resolver, a worker slot or ffmpeg's first fragment does neither: on HTTP/1 the connection
     * is watched for its end of input here (HTTP/2 reports a reset stream to the failure listener). That read
     * interest may still be pending when the response ends, so the connection closes after it
     * ({@code Connection: close}) rather than be read by Jetty for a next request.
     */
    private static void watch(Request request, Response response, Runnable gone) {
        request.addFailureListener(failure -> gone.run());
        if (request.getConnectionMetaData().getHttpVersion().getVersion() >= 20) {
            return;
        }
        EndPoint ep = request.getConnectionMetaData().getConnection().getEndPoint();
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
        ep.tryFillInterested(new Callback() {
            @Override
            public void succeeded() {
                try {
                    int n = ep.fill(BufferUtil.allocate(1));
                    if (n < 0) {
                        gone.run();
                    } else if (n == 0) {
                        ep.tryFillInterested(this);
                    } // else: a pipelined request's byte, lost; the connection closes after this response anyway
                } catch (java.io.IOException e) {
                    gone.run();
                }
            }

            @Override
            public void failed(Throwable x) {
                gone.run(); // the connection failed or closed (after the response, that is harmless)
            }
        });
    }

    /** The client headers {@code forwardHeaders} lets through to the source. */
    private Map<String, String> forwarded(Request request) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : config.forwardHeaders) {
            String v = request.getHeaders().get(name);
            if (v != null && v.length() <= 8192 && v.chars().noneMatch(c -> c == '\r' || c == '\n')) {
                out.put(name, v);
            }
        }
        return out;
    }

    private static Map<String, String> params(Request request) {
        Map<String, String> out = new HashMap<>();
        for (Fields.Field f : Request.extractQueryParameters(request)) {
            if (out.size() >= 32) {
                break;
            }
            out.put(f.getName(), f.getValue());
        }
        return out;
    }

    private static InetSocketAddress remote(Request request) {
        SocketAddress a = request.getConnectionMetaData().getRemoteSocketAddress();
        return a instanceof InetSocketAddress isa ? isa : null;
    }
}
