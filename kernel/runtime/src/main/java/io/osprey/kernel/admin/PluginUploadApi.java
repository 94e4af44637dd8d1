package io.osprey.kernel.admin;

import io.osprey.kernel.osgi.OsgiPlugins;
import io.osprey.kernel.plugin.PluginDescriptor;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code PUT /api/plugins/{id}} with a jar as the body installs plugin {@code id}, or updates it in place, exactly
 * as if the jar had been copied into the plugins folder ({@link OsgiPlugins#deploy}); {@code DELETE
 * /api/plugins/{id}} removes it. Admin only (the kernel wraps this in the token guard). Answers {@code 201}
 * (installed), {@code 200} (updated, removed), {@code 400} with the reason when the jar is not a plugin bundle or
 * does not resolve or start (nothing changes then), {@code 404}, {@code 409} in ServiceLoader mode, {@code 413} over
 * {@value #MAX_BYTES} bytes. Other requests under {@code /api/plugins/} fall through to the other admin routes.
 *
 * <p>The body is read asynchronously; installing (which waits for Felix's refresh) runs on one thread of its own,
 * so uploads are applied one at a time and never on a Jetty thread.
 */
public final class PluginUploadApi extends Handler.Abstract {

    static final int MAX_BYTES = 64 << 20;
    private static final System.Logger LOG = System.getLogger(PluginUploadApi.class.getName());

    private final Supplier<OsgiPlugins> osgi;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "osprey-plugin-upload");
        t.setDaemon(true);
        return t;
    });

    /** @param osgi the OSGi plugins, or {@code null} from the supplier in ServiceLoader mode */
    public PluginUploadApi(Supplier<OsgiPlugins> osgi) {
        this.osgi = osgi;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String[] seg = Request.getPathInContext(request).substring(1).split("/");
        boolean put = HttpMethod.PUT.is(request.getMethod());
        if (seg.length != 3 || !seg[1].equals("plugins") || !(put || HttpMethod.DELETE.is(request.getMethod()))) {
            return false;
        }
        String id = seg[2];
        OsgiPlugins plugins = osgi.get();
        if (!PluginDescriptor.isValidId(id)) {
            Json.write(response, 400, Map.of("error", "not a plugin id: lower-case letters, digits and dashes"),
                    callback);
        } else if (plugins == null) {
            Json.write(response, 409, Map.of("error", "plugins are loaded from the class path (ServiceLoader mode);"
                    + " uploads need OSGi mode (a plugins folder, server.plugins.mode osgi or auto)"), callback);
        } else if (!put) {
            CompletableFuture.supplyAsync(() -> run(() -> plugins.undeploy(id)), worker)
                    .whenComplete((o, t) -> answer(response, callback, o, t));
        } else if (request.getLength() > MAX_BYTES) {
            Json.write(response, 413, Map.of("error", "a plugin jar may have at most " + MAX_BYTES + " bytes"),
                    callback);
        } else {
            Content.Source.asByteBufferAsync(request, MAX_BYTES)
                    .thenApplyAsync(body -> run(() -> plugins.deploy(id, bytes(body))), worker)
                    .whenComplete((o, t) -> answer(response, callback, o, t));
        }
        return true;
    }

    private interface Action {
        OsgiPlugins.Outcome apply() throws Exception;
    }

    private static OsgiPlugins.Outcome run(Action a) {
        try {
            return a.apply();
        } catch (Exception e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private static byte[] bytes(ByteBuffer body) {
        byte[] b = new byte[body.remaining()];
        body.get(b);
        return b;
    }

    private static void answer(Response response, Callback callback, OsgiPlugins.Outcome o, Throwable t) {
        if (t != null) {
            Throwable c = t.getCause() != null ? t.getCause() : t;
            LOG.log(Level.WARNING, "plugin upload failed", c);
            int status = String.valueOf(c.getMessage()).contains("max") ? 413 : 500;
            Json.write(response, status, Map.of("error", String.valueOf(c.getMessage())), callback);
            return;
        }
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        Json.write(response, o.status(), o.status() < 300 ? Map.of("result", o.message())
                : Map.of("error", o.message()), callback);
    }

    /** Stops the upload thread (kernel shutdown). */
    public void close() {
        worker.shutdownNow();
    }
}
