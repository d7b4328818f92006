package org.mip6kit.spi;

import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * The engine's own way of moving Mobility Header octets (UDP per RFC 5555, an in-memory pair
 * for tests and embedding), and the raw Mobility Header socket a provider opens through
 * {@link org.mip6kit.spi.net.ProviderNetwork#openMobilityHeaderSocket}.
 * {@link Placement#IN_MESSAGE} and {@link Placement#BELOW_STACK} providers send and receive
 * through one; {@link Placement#OWNS_CHANNEL} providers never open the engine's.
 * Octets go through unchanged: the transport builds and strips the IPv6 (and UDP) headers
 * around them according to the {@link Addressing}.
 */
public interface SignallingTransport extends AutoCloseable {

    /**
     * Starts delivering received messages to {@code receiver} (any thread; it must not block).
     * Received messages carry what the transport {@link Observed observed} (ingress interface,
     * local address) as far as it can tell, {@link Observed#NOTHING} otherwise.
     * Packets that are not well-formed IPv6 around a Mobility Header are dropped by the
     * transport (and counted), never delivered.
     */
    void start(Consumer<Inbound> receiver);

    /**
     * Sends Mobility Header octets as {@code to} says. Non-blocking; the stage completes when
     * the packet was handed to the operating system, or exceptionally on an I/O error.
     */
    CompletionStage<Void> send(byte[] octets, Addressing to);

    /** Idempotent; never throws. */
    @Override
    void close();
}
