package io.osprey.kernel;

import java.util.logging.LogManager;

/**
 * A {@link LogManager} that keeps its handlers through JVM shutdown. The JDK's own shutdown hook resets logging,
 * racing the kernel's hook, so the lines that say what was stopped and finalised would be lost. Installed by
 * {@code bin/osprey} with {@code -Djava.util.logging.manager}.
 */
public final class KernelLogManager extends LogManager {

    @Override
    public void reset() {
        // Handlers stay open until the JVM exits; ConsoleHandler flushes every record.
    }
}
