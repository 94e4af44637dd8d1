package io.osprey.kernel.http;

import io.osprey.kernel.access.KernelAccessControl;
import io.osprey.spi.Registration;
import io.osprey.spi.access.Admission;
import io.osprey.spi.access.AdmissionRequest;
import io.osprey.spi.http.FastGet;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.pathmap.MatchedResource;
import org.eclipse.jetty.http.pathmap.PathMappings;
import org.eclipse.jetty.http.pathmap.PathSpec;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The one root handler: routes owned by the kernel and by plugins, matched by Jetty path specs (most specific
 * first), tried in turn until one handles the request. The table is rebuilt on each change and read without
 * locks.
 */
public final class Router extends Handler.Abstract {

    private static final System.Logger LOG = System.getLogger(Router.class.getName());

    /** One registered route. */
    record Route(String owner, PathSpec spec, Handler handler) {
    }

    private final CopyOnWriteArrayList<Route> routes = new CopyOnWriteArrayList<>();
    private volatile Table table = new Table(new PathMappings<>(), new PathMappings<>(), List.of());

    /**
     * The routes by spec: {@code all} for the fall-through lists, and the same split in two for the best match of
     * each request. Jetty's {@link PathMappings} looks servlet specs (exact, prefix, suffix) up in a hash map and
     * tries, but once it holds a single regex or URI template it tries every spec in turn, with a regex matcher per
     * spec (session 7's profile of HLS playlists: 5 % of the server's samples). So {@code servlet} holds the servlet
     * specs, looked up the fast way, and {@code patterns} the few others, in spec order, tried only while they could
     * still be more specific than the servlet match.
     */
    private record Table(PathMappings<List<Route>> all, PathMappings<List<Route>> servlet,
                         List<Map.Entry<PathSpec, List<Route>>> patterns) {

        /** The most specific spec matching {@code path} and its routes, as {@code all.getMatched} would find. */
        Map.Entry<PathSpec, List<Route>> best(String path) {
            MatchedResource<List<Route>> m = servlet.getMatched(path);
            PathSpec spec = m == null ? null : m.getPathSpec();
            for (Map.Entry<PathSpec, List<Route>> p : patterns) {
                if (spec != null && p.getKey().compareTo(spec) >= 0) {
                    break;
                }
                if (p.getKey().matched(path) != null) {
                    return p;
                }
            }
            return m == null ? null : Map.entry(spec, m.getResource());
        }
    }
    private volatile KernelAccessControl admission;
    private final java.util.concurrent.atomic.LongAdder fastAnswered = new java.util.concurrent.atomic.LongAdder();
    /** Fast GET responders by prefix, longest first; replaced on each change. */
    private volatile FastRoute[] fast = new FastRoute[0];

    /** One {@link FastGet} responder and the path prefix it answers. */
    private record FastRoute(String owner, String prefix, FastGet responder) {
    }

    /** Adds a route owned by {@code owner} (a plugin id, or {@code kernel}). */
    public Registration add(String owner, String pathSpec, Handler handler) {
        PathSpec spec = spec(pathSpec);
        Route route = new Route(owner, spec, handler);
        if (getServer() != null) {
            handler.setServer(getServer());
        }
        try {
            if (!handler.isStarted()) {
                handler.start();
            }
        } catch (Exception e) {
            throw new IllegalStateException("route handler for " + pathSpec + " failed to start: " + e, e);
        }
        routes.add(route);
        rebuild();
        return () -> remove(route);
    }

    /**
     * Adds a fast GET responder for paths starting with {@code prefix} ({@link io.osprey.spi.http.HttpRoutes#fastGet}).
     *
     * @throws IllegalArgumentException if {@code prefix} does not start and end with {@code /} or is taken
     */
    public synchronized Registration fastGet(String owner, String prefix, FastGet responder) {
        if (prefix == null || prefix.length() < 2 || !prefix.startsWith("/") || !prefix.endsWith("/")) {
            throw new IllegalArgumentException("a fast GET prefix starts and ends with /: " + prefix);
        }
        for (FastRoute r : fast) {
            if (r.prefix().equals(prefix)) {
                throw new IllegalArgumentException("fast GET prefix " + prefix + " is taken by " + r.owner());
            }
        }
        FastRoute route = new FastRoute(owner, prefix, java.util.Objects.requireNonNull(responder));
        List<FastRoute> list = new ArrayList<>(List.of(fast));
        list.add(route);
        list.sort(Comparator.comparingInt((FastRoute r) -> r.prefix().length()).reversed());
        fast = list.toArray(new FastRoute[0]);
        return () -> removeFast(route);
    }

    private synchronized void removeFast(FastRoute route) {
        List<FastRoute> list = new ArrayList<>(List.of(fast));
        if (list.remove(route)) {
            fast = list.toArray(new FastRoute[0]);
        }
    }

    /** The responder for {@code path} (longest prefix), or null. */
    FastGet fastFor(String path) {
        for (FastRoute r : fast) {
            if (path.startsWith(r.prefix())) {
                return r.responder();
            }
        }
        return null;
    }

    /** Requests answered by a fast GET responder (including its 429s) since start. */
    public long fastAnswered() {
        return fastAnswered.sum();
    }

    void countFast() {
        fastAnswered.increment();
    }

    /**
     * The {@code http} admission hook for a fast GET, as {@link #handle} asks it for every request: null if admitted
     * (or with no admission policy), else the refusal.
     */
    Admission fastAdmission(InetSocketAddress remote) {
        KernelAccessControl access = admission;
        if (access == null || !access.admissionPolicies()) {
            return null;
        }
        Admission a = access.admit(new AdmissionRequest(AdmissionRequest.Kind.REQUEST, "http", remote, null, null));
        return a.admitted() ? null : a;
    }

    /** Jetty's path spec syntax, plus {@code uri-template:/...} (which {@code PathSpec.from} does not parse). */
    static PathSpec spec(String pathSpec) {
        if (pathSpec.startsWith("uri-template:")) {
            return new org.eclipse.jetty.http.pathmap.UriTemplatePathSpec(pathSpec.substring("uri-template:".length()));
        }
        return PathSpec.from(pathSpec);
    }

    private void remove(Route route) {
        if (routes.remove(route)) {
            rebuild();
            {
                try {
                    route.handler().stop();
                } catch (Exception e) {
                    LOG.log(Level.WARNING, "stopping route handler " + route.spec() + " of " + route.owner(), e);
                }
            }
        }
    }

    private synchronized void rebuild() {
        Map<PathSpec, List<Route>> grouped = new LinkedHashMap<>();
        for (Route r : routes) {
            grouped.computeIfAbsent(r.spec(), k -> new ArrayList<>()).add(r);
        }
        PathMappings<List<Route>> all = new PathMappings<>();
        PathMappings<List<Route>> servlet = new PathMappings<>();
        java.util.TreeMap<PathSpec, List<Route>> patterns = new java.util.TreeMap<>();
        grouped.forEach((spec, list) -> {
            List<Route> copy = List.copyOf(list);
            all.put(spec, copy);
            if (spec instanceof org.eclipse.jetty.http.pathmap.ServletPathSpec) {
                servlet.put(spec, copy);
            } else {
                patterns.put(spec, copy);
            }
        });
        table = new Table(all, servlet, List.copyOf(patterns.entrySet()));
    }

    /** The spec whose routes are offered {@code path} first, or null (for tests). */
    PathSpec bestSpec(String path) {
        Map.Entry<PathSpec, List<Route>> b = table.best(path);
        return b == null ? null : b.getKey();
    }

    /** What Jetty's own lookup over all specs finds for {@code path} (for tests: {@link #bestSpec} must agree). */
    PathSpec bestSpecOfAll(String path) {
        MatchedResource<List<Route>> m = table.all().getMatched(path);
        return m == null ? null : m.getPathSpec();
    }

    /** Routes owned by {@code owner}, for leak checks and the admin API. */
    public int count(String owner) {
        int n = 0;
        for (Route r : routes) {
            if (r.owner().equals(owner)) {
                n++;
            }
        }
        return n;
    }

    public int count() {
        return routes.size();
    }

    /**
     * Non-blocking, so Jetty may run a request on the selector thread that parsed it, with no hand-off to the pool
     * (for small responses such as HLS playlists the hand-off costs as much as the work). A route whose handler is
     * not declared non-blocking is never run on such a thread: the rest of the routing moves to the pool first
     * (Jetty gives no cheap way to tell a selector thread from a pool thread, so this happens whichever runs it).
     */
    @Override
    public InvocationType getInvocationType() {
        return InvocationType.NON_BLOCKING;
    }

    /**
     * Every HTTP request is first offered to {@code access}'s admission hook ({@link AdmissionRequest.Kind#REQUEST},
     * protocol {@code http}, the client's address and its {@code token} query parameter, no stream): this is where
     * request rates count pages, API calls, media and recordings alike. A refusal is answered here with 429 and
     * {@code Retry-After}. With no admission policy registered the cost is one list-size read.
     */
    public void admission(KernelAccessControl access) {
        this.admission = access;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        KernelAccessControl access = admission;
        if (access != null && access.admissionPolicies() && refused(access, request, response, callback)) {
            return true;
        }
        String path = Request.getPathInContext(request);
        Table table = this.table;
        Map.Entry<PathSpec, List<Route>> best = table.best(path);
        if (best == null) {
            return false;
        }
        PathMappings<List<Route>> t = table.all();
        // the most specific spec almost always takes the request: only build the full list when it declines
        List<Route> first = best.getValue();
        for (int i = 0; i < first.size(); i++) {
            Handler handler = first.get(i).handler();
            if (handler.getInvocationType() != InvocationType.NON_BLOCKING) {
                return route(fallThrough(t, path, best.getKey(), first.subList(i, first.size())), 0, false,
                        request, response, callback);
            }
            if (handler.handle(request, response, callback)) {
                return true;
            }
        }
        return route(fallThrough(t, path, best.getKey(), List.of()), 0, false, request, response, callback);
    }

    /** Asks the admission hook; answers 429 and returns true if refused. A request's permit holds nothing. */
    private static boolean refused(KernelAccessControl access, Request request, Response response,
                                   Callback callback) {
        SocketAddress sa = request.getConnectionMetaData().getRemoteSocketAddress();
        InetSocketAddress remote = sa instanceof InetSocketAddress isa ? isa : null;
        Admission a = access.admit(new AdmissionRequest(AdmissionRequest.Kind.REQUEST, "http", remote, null,
                token(request.getHttpURI().getQuery())));
        if (a.admitted()) {
            return false;
        }
        tooMany(response, callback, a.reason(), a.retryAfterSeconds());
        return true;
    }

    /** Answers 429 Too Many Requests (RFC 6585 4) with {@code Retry-After} in seconds (RFC 9110 10.2.3). */
    public static void tooMany(Response response, Callback callback, String reason, long retryAfterSeconds) {
        response.setStatus(429);
        response.getHeaders().put(HttpHeader.RETRY_AFTER, Math.max(1, retryAfterSeconds));
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        Content.Sink.write(response, true, tooManyText(reason), callback);
    }

    /** The body of a 429 from the {@code http} admission hook, here and on the fast GET path. */
    static String tooManyText(String reason) {
        return "429 Too Many Requests: " + reason + "\n";
    }

    /** The {@code token} query parameter (percent-decoded), or {@code null}; allocates only when there is one. */
    static String token(String query) {
        if (query == null) {
            return null;
        }
        int i = query.startsWith("token=") ? 0 : query.indexOf("&token=");
        if (i < 0) {
            return null;
        }
        int from = i == 0 ? 6 : i + 7;
        int end = query.indexOf('&', from);
        String raw = query.substring(from, end < 0 ? query.length() : end);
        try {
            return URLDecoder.decode(raw, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return raw;
        }
    }

    /** {@code head}, then the routes of every other spec matching {@code path}, most specific first. */
    private static List<Route> fallThrough(PathMappings<List<Route>> t, String path, PathSpec best, List<Route> head) {
        List<MatchedResource<List<Route>>> matches = new ArrayList<>(t.getMatchedList(path));
        matches.sort(Comparator.comparing(MatchedResource::getPathSpec));
        List<Route> out = new ArrayList<>(head);
        for (MatchedResource<List<Route>> m : matches) {
            if (!m.getPathSpec().equals(best)) {
                out.addAll(m.getResource());
            }
        }
        return out;
    }

    private boolean route(List<Route> candidates, int from, boolean mayBlock, Request request, Response response,
                          Callback callback) throws Exception {
        for (int i = from; i < candidates.size(); i++) {
            Handler handler = candidates.get(i).handler();
            if (handler.getInvocationType() != InvocationType.NON_BLOCKING && !mayBlock) {
                int next = i;
                request.getComponents().getThreadPool().execute(() -> routeBlocking(candidates, next, request,
                        response, callback));
                return true;
            }
            if (handler.handle(request, response, callback)) {
                return true;
            }
        }
        return false;
    }

    /** The rest of {@link #route} on a pool thread; as Jetty would, answers 404 when no route takes the request. */
    private void routeBlocking(List<Route> candidates, int from, Request request, Response response,
                               Callback callback) {
        try {
            if (!route(candidates, from, true, request, response, callback)) {
                Response.writeError(request, response, callback, 404);
            }
        } catch (Throwable t) {
            Response.writeError(request, response, callback, t);
        }
    }
}
