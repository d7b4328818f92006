package org.mip6kit.spi;

/** A scheduled task that can still be called off. */
@FunctionalInterface
public interface Cancellable {

    /** Calls the task off if it has not run yet; true if it will now never run. Idempotent. */
    boolean cancel();
}
