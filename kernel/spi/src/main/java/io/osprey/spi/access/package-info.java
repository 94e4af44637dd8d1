/**
 * The access hook (may this client publish or play this stream) and the admission hook (may this
 * connection or request be admitted now). Every ingest and output asks both, so a protected stream is protected
 * on every protocol alike. Auth and rate-limit plugins implement the policies.
 *
 * <p>1.1: {@link io.osprey.spi.access.SessionEnd}, {@link io.osprey.spi.access.SessionListener} and
 * {@link io.osprey.spi.access.AccessControl#ended}: ingests, outputs and the recorder report ended sessions, so an
 * auth plugin can send {@code on_publish_done}/{@code on_play_done}/{@code on_record_done} notifications.
 */
@Export
@Version("1.2.0")
package io.osprey.spi.access;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
