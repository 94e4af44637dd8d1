package io.osprey.spi.worker;

import java.nio.charset.StandardCharsets;

/**
 * A worker run to completion by {@link Workers#run}: how it ended and what it wrote to stdout.
 *
 * @param exit   how it ended
 * @param stdout its stdout, at most the bound given to {@code run}
 */
public record WorkerResult(WorkerExit exit, byte[] stdout) {

    public String stdoutText() {
        return new String(stdout, StandardCharsets.UTF_8);
    }
}
