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
 * <li>{@link Placement#BELOW_STACK}: wraps the engine's transport or a raw Mobility Header
 *     socket opened through {@link ProviderContext#network()}; {@link #verify} concludes from
 *     what the transport {@link Observed observed} (the ingress interface, e.g. the tunnel
 *     device an SA delivers to) and what the provider knows of its SAs (which identity leased
 *     the home address) whether the message passed through a matching SA.</li>
 * </ul>
 *
 * <p><b>Messages nobody can decode.</b> A datagram that an {@link Placement#OWNS_CHANNEL} path
 * cannot even decrypt (unknown SPI, an SA that has ended) never reaches the engine. Answering it
 * is the home-agent path's own decision: RFC 6618 answers status 176 (re-initialise the SA with
 * the Home Agent Controller) on its channel, rate-limited. The mobile-node path that receives
 * such an answer cannot verify it with an SA it no longer shares; it may call
 * {@link MobileNodeHandle#rebootstrap}, which the engine rate-limits, so a forged 176 costs at
 * most one bootstrap per second and never removes a registration.
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
     * format were checked with the provider's option codecs registered). On the home agent the
     * engine calls it inside the per-home-address order: calls for one home address never
     * overlap, calls for different home addresses may run concurrently on any thread. Must not
     * block; it may return a stage that completes later (a Binding Update that arrives before
     * the key-management event proving its SA, an RFC 4285 MN-AAA round trip), and should
     * return an already completed stage when it can decide at once (the engine then continues
     * on the same thread, without a timer). A stage that does not complete within the engine's
     * bound counts as {@link Verdict.Drop}. Must not throw, and the stage must not fail: an
     * internal failure is a {@link Verdict.Drop} (the engine treats both the same way).
     *
     * <p>On the home agent this judges Binding Updates (RFC 6275 §9.5.1, §10.3.1 "security
     * requirements"); on the mobile node, Binding Acknowledgements, Binding Refresh Requests and
     * Binding Errors (§11.7.3: the mobile node never acts on a message that failed this check).
     *
     * @param received the octets, addressing and evidence as received
     * @param decoded the same message decoded
     */
    CompletionStage<Verdict> verify(Inbound received, MobilityMessage decoded);

    /**
     * Protects and sends one message. Non-blocking: the returned stage completes when the
     * message has been handed to the network — never earlier, because the home agent calls
     * {@link HomeAgentSecurity#afterChange} (where an SA may be torn down) only once the stage
     * of the Binding Acknowledgement has completed — or exceptionally with a
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
