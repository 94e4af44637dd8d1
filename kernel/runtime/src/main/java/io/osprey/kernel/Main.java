package io.osprey.kernel;

import io.osprey.kernel.config.ConfigError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@code osprey [--config FILE] [--set key=value]... [--home DIR]}. Exits 0 after a clean stop (Ctrl-C, SIGTERM),
 * 1 if start-up failed, 2 for a bad command line or config.
 */
public final class Main {

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
            } else if (a.equals("--version")) {
                System.out.println("osprey " + Kernel.version());
                return;
            } else {
                System.err.println("unknown argument: " + a);
                System.err.println("usage: osprey [--config FILE] [--set key=value]... [--home DIR] [--version]");
                System.exit(2);
            }
        }
        if (config == null && Files.exists(home.resolve("conf/osprey.yaml"))) {
            config = home.resolve("conf/osprey.yaml");
        }
        Kernel kernel;
        try {
            kernel = Kernel.start(new KernelOptions(home, config, sets, System.getenv(), null));
        } catch (ConfigError e) {
            System.getLogger(Main.class.getName()).log(System.Logger.Level.ERROR, "bad config: " + e.getMessage());
            System.exit(2);
            return;
        } catch (Throwable t) {
            System.getLogger(Main.class.getName()).log(System.Logger.Level.ERROR, "start-up failed: " + t.getMessage(), t);
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
}
