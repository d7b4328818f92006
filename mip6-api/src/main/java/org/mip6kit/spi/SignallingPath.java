package org.mip6kit.spi;

import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

import org.mip6kit.wire.MobilityMessage;

/**
 * The one way Mobility Header messages enter and leave the engine, the same for every
 * {@link Placement}:
 * <ul>
 * <li>{@link Placement#IN_MESSAGE}: wraps the engine's {@link SignallingTransport}; adds its
 *     options on {@link #send}, checks them in {@link #verify}.</li>
 * <li>{@link Placement#OWNS_CHANNEL}: runs its own socket; {@link #start}'s receiver gets
 *     octets it already decrypted and authenticated, with the addressing its association
 *     vouches for.</li>
 * <li>{@link Placement#BELOW_STACK}: wraps the engine's transport and attaches
 *     {@link IngressEvidence} to each {@link Inbound}; {@link #verify} judges that evidence.</li>
 * </ul>
 *
 * <p>Lifecycle: {@link #start} once, then any number of {@link #verify} and {@link #send}
 * calls from any thread, then {@link #close}. After close, sends complete exceptionally and no
 * more messages are delivered.
 */
public interface SignallingPath extends AutoCloseable {

    /**
     * Starts receiving. {@code receiver} is called for every received Mobility Header message,
     * on any thread, possibly concurrently; it does not block and never throws. May open
     * sockets and start threads. Not called twice.
     *
     * @throws SecurityProviderException if the path cannot start (socket in use, daemon down)
     */
    void start(Consumer<Inbound> receiver);

    /**
     * Judges one received message that the engine has already decoded (the checksum and
     * format were checked with the provider's option codecs registered). Non-blocking,
     * thread-safe, may be called concurrently for different peers; the engine serialises calls
     * for one home address. Must not throw: an internal failure is a {@link Verdict.Drop}.
     *
     * <p>On the home agent this judges Binding Updates (RFC 6275 §9.5.1, §10.3.1 "security
     * requirements"); on the mobile node, Binding Acknowledgements, Binding Refresh Requests and
     * Binding Errors (§11.7.3: the mobile node never acts on a message that failed this check).
     *
     * @param received the octets, addressing and evidence as received
     * @param decoded the same message decoded
     */
    Verdict verify(Inbound received, MobilityMessage decoded);

    /**
     * Protects and sends one message. Non-blocking: the returned stage completes when the
     * message has been handed to the network, or exceptionally with a
     * {@link SecurityProviderException} (no route, channel down, nothing to protect it with).
     * The path encodes the message itself (with {@link ProviderContext#codec()}), computing the
     * checksum over {@link Addressing#pseudoHeaderSource()} and
     * {@link Addressing#pseudoHeaderDestination()}, after adding any options of its own.
     *
     * @param message the message as the engine built it
     * @param to where it goes and how it is addressed
     * @param reply the reply context from the {@link Verdict} this message answers, if any
     */
    CompletionStage<Void> send(MobilityMessage message, Addressing to, Optional<ReplyContext> reply);

    /** Stops receiving and releases sockets and threads. Idempotent; never throws. */
    @Override
    void close();
}
