package io.osprey.kernel.osgi;

import io.osprey.kernel.plugin.PluginDescriptors;
import io.osprey.kernel.plugin.PluginManager;
import io.osprey.kernel.plugin.PluginState;
import io.osprey.kernel.plugin.PluginStatus;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.System.Logger.Level;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * OSGi mode: an embedded Felix installs every jar of the plugins folder as a bundle and keeps watching the
 * folder. A new jar is installed and its plugins started; a replaced jar is updated in place (its plugins stopped,
 * the bundle updated and refreshed, the plugins started again); a removed jar is stopped and uninstalled. A jar is
 * acted on only once its size and time stamp held still for one scan, so a half-copied file is never loaded.
 */
public final class OsgiPlugins implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(OsgiPlugins.class.getName());
    private static final String SERVICES = BundleCheck.SERVICES;

    private final Path dir;
    private final Path cache;
    private final PluginManager manager;
    private final Map<Path, Installed> installed = new HashMap<>();
    private final Map<Path, String> seen = new HashMap<>();
    private final Map<String, String> errors = new ConcurrentHashMap<>();
    private Framework framework;
    private Runnable onChange = () -> { };

    private record Installed(Bundle bundle, String stamp) {
    }

    public OsgiPlugins(Path dir, Path cache, PluginManager manager) {
        this.dir = dir;
        this.cache = cache;
        this.manager = manager;
    }

    /** Called (on the thread that changed it) after a bundle was installed, updated or removed. */
    public void onChange(Runnable listener) {
        this.onChange = listener;
    }

    /** Starts Felix and installs what the folder holds now. */
    public void start() throws Exception {
        Map<String, String> props = new HashMap<>();
        props.put(Constants.FRAMEWORK_STORAGE, cache.toAbsolutePath().toString());
        props.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        props.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, SystemPackages.compute(OsgiPlugins.class.getClassLoader()));
        props.put("felix.log.level", "1");
        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class, OsgiPlugins.class.getClassLoader())
                .findFirst().orElseThrow(() -> new IllegalStateException("no OSGi framework on the class path"));
        framework = factory.newFramework(props);
        framework.init();
        framework.start();
        scan(true);
    }

    /** One pass over the folder; called periodically by the kernel. */
    public synchronized void scan() {
        scan(false);
    }

    private synchronized void scan(boolean initial) {
        Map<Path, Installed> before = new HashMap<>(installed);
        Map<Path, String> now = new HashMap<>();
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> jars = Files.newDirectoryStream(dir, "*.jar")) {
                for (Path jar : jars) {
                    try {
                        BasicFileAttributes a = Files.readAttributes(jar, BasicFileAttributes.class);
                        if (a.isRegularFile()) {
                            now.put(jar, a.size() + "@" + a.lastModifiedTime().toMillis());
                        }
                    } catch (IOException e) {
                        // vanished between listing and stat: next scan
                    }
                }
            } catch (IOException e) {
                LOG.log(Level.WARNING, "cannot list plugin folder {0}: {1}", dir, e.getMessage());
                return;
            }
        }
        for (Map.Entry<Path, String> e : now.entrySet()) {
            Path jar = e.getKey();
            String stamp = e.getValue();
            boolean stable = initial || stamp.equals(seen.get(jar));
            Installed inst = installed.get(jar);
            if (!stable) {
                continue;
            }
            if (inst == null && !errors.containsKey(jar + "@" + stamp)) {
                install(jar, stamp);
            } else if (inst != null && !inst.stamp().equals(stamp)) {
                update(jar, inst, stamp);
            }
        }
        for (Path jar : List.copyOf(installed.keySet())) {
            if (!now.containsKey(jar)) {
                uninstall(jar, installed.get(jar));
            }
        }
        seen.clear();
        seen.putAll(now);
        if (!installed.equals(before)) {
            changed();
        }
    }

    private void changed() {
        try {
            onChange.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "after a plugin bundle change", e);
        }
    }

    private void install(Path jar, String stamp) {
        try {
            byte[] bytes = readJar(jar);
            BundleContext ctx = framework.getBundleContext();
            Bundle b = ctx.installBundle("osprey:" + jar.getFileName(), new ByteArrayInputStream(bytes));
            installed.put(jar, new Installed(b, stamp));
            LOG.log(Level.INFO, "bundle {0} {1} installed from {2}", b.getSymbolicName(), b.getVersion(), jar.getFileName());
            startAndDiscover(jar, b);
        } catch (Exception e) {
            fail(jar, stamp, "cannot install: " + e.getMessage());
        }
    }

    private void update(Path jar, Installed inst, String stamp) {
        Bundle b = inst.bundle();
        String oldVersion = b.getVersion().toString();
        try {
            byte[] bytes = readJar(jar);
            manager.removeBundle(b.getBundleId());
            b.update(new ByteArrayInputStream(bytes));
            refresh(b);
            installed.put(jar, new Installed(b, stamp));
            LOG.log(Level.INFO, "bundle {0} updated {1} -> {2}", b.getSymbolicName(), oldVersion, b.getVersion());
            startAndDiscover(jar, b);
        } catch (Exception e) {
            installed.put(jar, new Installed(b, stamp));
            fail(jar, stamp, "cannot update: " + e.getMessage());
        }
    }

    private void uninstall(Path jar, Installed inst) {
        Bundle b = inst.bundle();
        installed.remove(jar);
        errors.keySet().removeIf(k -> k.startsWith(jar + "@"));
        try {
            manager.removeBundle(b.getBundleId());
            b.uninstall();
            refresh(b);
            LOG.log(Level.INFO, "bundle {0} uninstalled ({1} removed)", b.getSymbolicName(), jar.getFileName());
        } catch (Exception e) {
            LOG.log(Level.WARNING, "uninstalling " + jar.getFileName() + " failed", e);
        }
    }

    private void startAndDiscover(Path jar, Bundle b) throws BundleException, IOException {
        b.start();
        URL services = b.getEntry(SERVICES);
        if (services == null) {
            LOG.log(Level.WARNING, "{0} declares no plugin ({1} missing)", jar.getFileName(), SERVICES);
            return;
        }
        try (BufferedReader r = new BufferedReader(new InputStreamReader(services.openStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                String cn = line.replaceAll("#.*", "").trim();
                if (cn.isEmpty()) {
                    continue;
                }
                try {
                    Class<?> type = b.loadClass(cn);
                    manager.add(PluginDescriptors.of(type, b.getVersion().toString(),
                            "bundle " + jar.getFileName(), b.getBundleId()));
                } catch (ClassNotFoundException | RuntimeException | LinkageError e) {
                    LOG.log(Level.ERROR, "plugin class " + cn + " in " + jar.getFileName() + " unusable: " + e, e);
                }
            }
        }
    }

    private void refresh(Bundle b) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        framework.adapt(FrameworkWiring.class).refreshBundles(List.of(b), event -> {
            if (event.getType() == FrameworkEvent.PACKAGES_REFRESHED || event.getType() == FrameworkEvent.ERROR) {
                done.countDown();
            }
        });
        if (!done.await(30, TimeUnit.SECONDS)) {
            LOG.log(Level.WARNING, "bundle refresh did not complete in 30 s");
        }
    }

    private static byte[] readJar(Path jar) throws IOException {
        byte[] bytes = Files.readAllBytes(jar);
        String problem = BundleCheck.problem(bytes);
        if (problem != null) {
            throw new IOException(problem);
        }
        return bytes;
    }

    private void fail(Path jar, String stamp, String reason) {
        errors.put(jar + "@" + stamp, reason);
        LOG.log(Level.ERROR, "plugin bundle {0}: {1}", jar.getFileName(), reason);
    }

    /** What {@link #deploy} or {@link #undeploy} did: an HTTP status and a one-line message. */
    public record Outcome(int status, String message) {
    }

    /**
     * Installs or updates the jar of plugin {@code id} now, the same way as a file dropped into the folder: the
     * bytes become {@code <dir>/<id>.jar} (or replace the jar that provides {@code id} today). The jar is checked
     * first ({@link BundleCheck}); if its bundle does not resolve or start, or provides no plugin {@code id}, the
     * previous jar (or none) is put back and the outcome is a 400 with the reason.
     */
    public synchronized Outcome deploy(String id, byte[] bytes) throws IOException {
        String problem = BundleCheck.problem(bytes);
        if (problem != null) {
            return new Outcome(400, "the jar is " + problem);
        }
        Path target = jarOf(id).orElse(dir.resolve(id + ".jar"));
        Installed inst = installed.get(target);
        byte[] old = inst != null && Files.isRegularFile(target) ? Files.readAllBytes(target) : null;
        Files.createDirectories(dir);
        String stamp = write(target, bytes);
        if (inst == null) {
            install(target, stamp);
        } else {
            update(target, inst, stamp);
        }
        problem = deployProblem(id, target, stamp);
        if (problem == null) {
            changed();
            PluginStatus s = manager.status(id).orElseThrow();
            return new Outcome(inst == null ? 201 : 200, (inst == null ? "installed " : "updated ") + id + " "
                    + s.version() + " from " + target.getFileName() + ": " + s.state().label());
        }
        errors.remove(target + "@" + stamp);
        if (old == null) {
            Files.deleteIfExists(target);
            Installed now = installed.get(target);
            if (now != null) {
                uninstall(target, now);
            }
        } else {
            String back = write(target, old);
            update(target, installed.get(target), back);
        }
        seen.remove(target);
        LOG.log(Level.WARNING, "upload of plugin {0} refused: {1}", id, problem);
        return new Outcome(400, problem + (old == null ? "" : " (the previous jar is back)"));
    }

    /** Removes the jar that provides plugin {@code id}: stops its plugins and uninstalls the bundle. */
    public synchronized Outcome undeploy(String id) throws IOException {
        Optional<Path> jar = jarOf(id);
        if (jar.isEmpty()) {
            return new Outcome(404, "no bundle in " + dir + " provides plugin " + id);
        }
        Files.deleteIfExists(jar.get());
        Installed inst = installed.get(jar.get());
        if (inst != null) {
            uninstall(jar.get(), inst);
        }
        seen.remove(jar.get());
        changed();
        return new Outcome(200, "removed " + id + " (" + jar.get().getFileName() + ")");
    }

    private Optional<Path> jarOf(String id) {
        return manager.status(id).map(PluginStatus::origin).filter(o -> o.startsWith("bundle "))
                .map(o -> dir.resolve(o.substring("bundle ".length())));
    }

    private String deployProblem(String id, Path target, String stamp) {
        String error = errors.get(target + "@" + stamp);
        if (error != null) {
            return error;
        }
        Optional<PluginStatus> s = manager.status(id);
        String origin = "bundle " + target.getFileName();
        if (s.isEmpty() || !s.get().origin().equals(origin)) {
            List<String> ids = manager.list().stream().filter(p -> p.origin().equals(origin)).map(PluginStatus::id)
                    .toList();
            return "the jar provides " + (ids.isEmpty() ? "no plugin" : "plugin " + String.join(", ", ids))
                    + ", not " + id;
        }
        if (s.get().state() == PluginState.FAILED) {
            return "plugin " + id + " failed to start: " + s.get().reason();
        }
        return null;
    }

    /** Writes {@code bytes} to {@code jar} through a temporary file the scan ignores; returns the new stamp. */
    private static String write(Path jar, byte[] bytes) throws IOException {
        Path tmp = jar.resolveSibling("." + jar.getFileName() + ".upload");
        Files.write(tmp, bytes);
        Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        BasicFileAttributes a = Files.readAttributes(jar, BasicFileAttributes.class);
        return a.size() + "@" + a.lastModifiedTime().toMillis();
    }

    /** Bundle files that could not be installed, updated or started, with the reason. */
    public Map<String, String> errors() {
        Map<String, String> out = new HashMap<>();
        errors.forEach((k, v) -> out.put(k.substring(0, k.lastIndexOf('@')), v));
        return out;
    }

    @Override
    public void close() {
        if (framework == null) {
            return;
        }
        try {
            framework.stop();
            framework.waitForStop(10_000);
        } catch (Exception e) {
            LOG.log(Level.WARNING, "stopping the OSGi framework", e);
        }
    }
}
