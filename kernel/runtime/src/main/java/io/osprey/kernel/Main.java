package io.osprey.kernel;

import io.osprey.kernel.config.ConfigError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@code osprey [--config FILE] [--set key=value]... [--home DIR]}. Exits 0 after a clean stop (Ctrl-C, SIGTERM),
 * 1 if start-up failed, 2 for a bad command line or config. Start-up failures a user can fix (a port in use, a
 * file that cannot be read, a bad value) are one sentence on the log, without a stack trace.
 */
public final class Main {

    static final String USAGE = """
            usage: osprey [--config FILE] [--set key=value]... [--home DIR]
                   osprey --help | --version

            Starts the Osprey live media server in the foreground; Ctrl-C or SIGTERM stops it.

              -c, --config FILE    the config file (default: <home>/conf/osprey.yaml when it exists)
              --set key=value      overrides one config key, e.g. --set server.http.port=18080 (repeatable)
              --home DIR           the server's home folder (default: the folder above bin/)
              --version            prints the version and exits
              -h, --help           prints this and exits

            Keys are also set by environment variables: OSPREY_SERVER_HTTP_PORT=18080 is server.http.port.
            Order: built-in defaults, then the config file, then OSPREY_* variables, then --set.
            The config file is reread when it changes; docs/configuration.md lists every key.""";

    private Main() {
    }

    public static void main(String[] args) {
        LogSetup.init();
        Path home = Path.of(System.getProperty("osprey.home", ".")).toAbsolutePath().normalize();
        Path config = null;
        List<String> sets = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if ((a.equals("--config") || a.equals("-c")) && i + 1 < args.length) {
                config = Path.of(args[++i]).toAbsolutePath();
            } else if (a.equals("--set") && i + 1 < args.length) {
                sets.add(args[++i]);
            } else if (a.startsWith("--set=")) {
                sets.add(a.substring(6));
            } else if (a.equals("--home") && i + 1 < args.length) {
                home = Path.of(args[++i]).toAbsolutePath().normalize();
            } else if (a.equals("--version") || a.equals("-v")) {
                System.out.println("osprey " + Kernel.version());
                return;
            } else if (a.equals("--help") || a.equals("-h")) {
                System.out.println(USAGE);
                return;
            } else {
                System.err.println("unknown argument: " + a + (a.equals("--config") || a.equals("--set")
                        || a.equals("--home") || a.equals("-c") ? " (it needs a value)" : ""));
                System.err.println(USAGE);
                System.exit(2);
            }
        }
        if (config == null && Files.exists(home.resolve("conf/osprey.yaml"))) {
            config = home.resolve("conf/osprey.yaml");
        }
        Kernel kernel;
        System.Logger log = System.getLogger(Main.class.getName());
        try {
            kernel = Kernel.start(new KernelOptions(home, config, sets, System.getenv(), null));
        } catch (ConfigError e) {
            log.log(System.Logger.Level.ERROR, "bad config: " + e.getMessage());
            System.exit(2);
            return;
        } catch (Throwable t) {
            IOException io = ioCause(t);
            if (io != null) {
                log.log(System.Logger.Level.ERROR, "start-up failed: " + oneSentence(io));
            } else {
                log.log(System.Logger.Level.ERROR, "start-up failed: " + t.getMessage(), t);
            }
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.getLogger(Main.class.getName()).log(System.Logger.Level.INFO, "stopping");
            kernel.close();
            stopped.countDown();
        }, "osprey-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The first I/O failure in {@code t}'s causes: a port in use, a folder that cannot be written... */
    static IOException ioCause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof IOException io) {
                return io;
            }
        }
        return null;
    }

    /** The failure as a sentence with its fix where there is an obvious one. */
    static String oneSentence(IOException e) {
        String m = String.valueOf(e.getMessage());
        if (m.contains("Address already in use") || e instanceof java.net.BindException) {
            String key = m.contains("for HTTPS ") ? "server.https.port" : "server.http.port";
            return m + " (another program, or another Osprey, uses that port: stop it or choose another port,"
                    + " e.g. --set " + key + "=" + (key.contains("https") ? "8444" : "8081") + ")";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied: " + m;
        }
        return m;
    }
}
