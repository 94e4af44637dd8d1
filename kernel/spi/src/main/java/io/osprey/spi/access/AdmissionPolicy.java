package io.osprey.spi.access;

import org.osgi.annotation.versioning.ConsumerType;

/** A limit on what may be admitted now (rate limits, connection caps). Must answer quickly and not block. */
@ConsumerType
@FunctionalInterface
public interface AdmissionPolicy {

    Admission admit(AdmissionRequest request);
}
