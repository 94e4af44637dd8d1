package io.osprey.kernel.http;

import io.osprey.spi.Registration;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jetty.http.pathmap.MatchedResource;
import org.eclipse.jetty.http.pathmap.PathMappings;
import org.eclipse.jetty.http.pathmap.PathSpec;
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
    private volatile PathMappings<List<Route>> table = new PathMappings<>();

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
        PathMappings<List<Route>> t = new PathMappings<>();
        grouped.forEach((spec, list) -> t.put(spec, List.copyOf(list)));
        table = t;
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

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = Request.getPathInContext(request);
        List<MatchedResource<List<Route>>> matches = table.getMatchedList(path);
        if (matches.isEmpty()) {
            return false;
        }
        if (matches.size() > 1) {
            matches = new ArrayList<>(matches);
            matches.sort(Comparator.comparing(MatchedResource::getPathSpec));
        }
        for (MatchedResource<List<Route>> m : matches) {
            for (Route r : m.getResource()) {
                if (r.handler().handle(request, response, callback)) {
                    return true;
                }
            }
        }
        return false;
    }
}
