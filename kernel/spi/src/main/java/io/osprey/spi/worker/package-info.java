/**
 * Supervised child processes for native work: the ffmpeg and ffprobe executables bytedeco ships (resolved once by
 * the kernel, never a system ffmpeg) and, for extractors, an executable named in config. A crash in native code
 * ends one child, never the server (SPEC.md, Native work).
 *
 * <p>The kernel owns every process it starts for a plugin: the arguments are a list (no shell), stdout is delivered
 * in chunks with back-pressure on kernel threads, stderr is kept as a bounded tail for the logged reason, a
 * {@link io.osprey.spi.worker.Worker#kill kill} is SIGTERM then SIGKILL after a grace, every child is reaped, and
 * every child a plugin started is killed when that plugin stops or the server shuts down. Since 1.1 a child may be
 * fed on stdin ({@link io.osprey.spi.worker.Workers#startWithInput}, {@link io.osprey.spi.worker.WorkerInput}). Since 1.2 stderr can be logged live, rate-limited
 * ({@link io.osprey.spi.worker.WorkerSpec#withStderrLog}), and read line by line
 * ({@link io.osprey.spi.worker.WorkerOutput#onStderrLine}).
 */
@Export
@Version("1.2.0")
package io.osprey.spi.worker;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
