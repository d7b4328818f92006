package org.mip6kit.spi.net;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * A bound UDP socket of a provider's own ({@link ProviderNetwork#bindUdp}). Carries opaque
 * payloads: the provider protects and parses them.
 *
 * <p>Lifecycle: {@link #start} once, then any number of {@link #send}s from any thread, then
 * {@link #close}. After close, sends complete exceptionally and nothing more is delivered.
 */
public interface UdpEndpoint extends AutoCloseable {

    /** The bound address and port (the real port when 0 was asked for). */
    InetSocketAddress localAddress();

    /**
     * Starts delivering received datagrams to {@code receiver}, one at a time on a network
     * thread; the receiver must not block and must not throw (what it throws is logged and
     * dropped).
     */
    void start(Consumer<Datagram> receiver);

    /**
     * Sends one datagram. Non-blocking: completes when handed to the operating system, or
     * exceptionally with a {@link org.mip6kit.spi.SecurityProviderException} (no route, closed).
     * Payloads over 65,507 octets fail.
     */
    CompletionStage<Void> send(byte[] payload, InetSocketAddress to);

    /** Idempotent; never throws. */
    @Override
    void close();
}
