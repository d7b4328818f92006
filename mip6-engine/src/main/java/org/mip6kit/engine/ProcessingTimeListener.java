package org.mip6kit.engine;

import java.time.Duration;

/**
 * Told how long each Binding Update took a {@link HomeAgentEngine}: from the moment the engine
 * received it to the end of its processing. For a Binding Update that is answered, the end is
 * when its Binding Acknowledgement has been handed to the signalling path (and, once accepted,
 * the provider told of the change); one that is dropped ends when the engine gives up on it.
 * Binding Updates turned away before their turn (too many waiting for one home address) and
 * messages that are not Binding Updates are not timed. Measured with the engine's clock.
 *
 * <p>Called on engine threads, once per timed Binding Update: return quickly, never throw.
 * Lets a daemon feed a latency histogram without the engine depending on a metrics library.
 */
@FunctionalInterface
public interface ProcessingTimeListener {

    /** One Binding Update's processing took {@code elapsed} (never negative). */
    void processed(Duration elapsed);
}
