package com.example.mip6.psk;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.BindingChange;
import org.mip6kit.spi.Capability;
import org.mip6kit.spi.HomeAgentSecurity;
import org.mip6kit.spi.Inbound;
import org.mip6kit.spi.ProviderContext;
import org.mip6kit.spi.ReplyContext;
import org.mip6kit.spi.SecurityProviderException;
import org.mip6kit.spi.SignallingPath;
import org.mip6kit.spi.TransportFactory;
import org.mip6kit.spi.Verdict;
import org.mip6kit.wire.AlternateCareOfAddress;
import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.BindingAcknowledgement;
import org.mip6kit.wire.BindingUpdate;
import org.mip6kit.wire.Ipv4CareOfAddress;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.MobileNodeIdentifier;
import org.mip6kit.wire.MobilityMessage;

/**
 * The home agent side of example-psk.
 *
 * <p>Verifying a Binding Update, in this order (each failure is a silent {@link Verdict.Drop}
 * that changes nothing, because a message we cannot authenticate deserves no answer):
 * <ol>
 * <li>exactly one Mobile Node Identifier option with an NAI (RFC 4283), naming a configured node;</li>
 * <li>exactly one authenticator, as the last option, followed only by zero padding;</li>
 * <li>its MAC verifies with that node's key over the pseudo-header addresses and the octets;</li>
 * <li>a Binding Update sent from a care-of address (with a Home Address option) carries that
 *     care-of address inside the message (Alternate Care-of Address or IPv4 Care-of Address),
 *     where the MAC covers it;</li>
 * <li>the counter is fresh ({@link ReplayTable}).</li>
 * </ol>
 * An authentic Binding Update for a home address other than the node's configured one is
 * {@link Verdict.Reject rejected} with 129 (the answer can be protected, so the node learns why).
 * Everything else is {@link Verdict.Accept accepted} with the node's NAI as its identity.
 *
 * <p>Binding Acknowledgements are signed with the node's key and echo the Binding Update's counter.
 */
final class PskHomeAgentSecurity implements HomeAgentSecurity {
    /** This provider has one mode: everything its descriptor declares. */
    @Override
    public Set<Capability> capabilities() {
        return ExamplePskProviderFactory.DESCRIPTOR.capabilities();
    }


    private final ProviderContext context;
    private final Map<String, NodeCredential> nodes;
    private final ReplayTable replay;

    PskHomeAgentSecurity(ProviderContext context, ExamplePskConfig.HomeAgent config) {
        this.context = context;
        this.nodes = config.nodes();
        this.replay = new ReplayTable(context.clock(), context.scheduler(), context.events(), config.replayWindow(),
                config.maxClockSkew());
    }

    @Override
    public SignallingPath path(TransportFactory engineTransports) {
        return new HomeAgentPath(engineTransports);
    }

    /** Nothing to install: the protection lives in the messages. */
    @Override
    public CompletionStage<Void> beforeAck(BindingChange change) {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void afterChange(BindingChange change) {
        replay.bindingChanged(change);
    }

    @Override
    public int perNodeStateCount() {
        return replay.size();
    }

    @Override
    public void close() {
        replay.close();
        nodes.values().forEach(n -> n.key().destroy());
    }

    Verdict judge(Inbound received, MobilityMessage decoded) {
        if (!(decoded instanceof BindingUpdate bu)) {
            return Verdict.drop("example-psk: a home agent accepts only Binding Updates, got " + decoded.type());
        }
        List<MobileNodeIdentifier> ids = bu.options(MobileNodeIdentifier.class);
        if (ids.size() != 1 || !ids.get(0).isNai()) {
            return Verdict.drop("example-psk: a Binding Update needs exactly one Mobile Node Identifier option "
                    + "with an NAI (RFC 4283), found " + ids.size());
        }
        String nai = ids.get(0).nai();
        NodeCredential node = nodes.get(nai);
        if (node == null) {
            return Verdict.drop("example-psk: unknown node " + printable(nai));
        }
        byte[] mh = received.octets();
        Optional<Integer> at = PskAuthenticator.locate(mh);
        if (PskAuthenticator.countIn(bu) != 1 || at.isEmpty()) {
            return Verdict.drop("example-psk: " + nai + ": the Binding Update needs exactly one authenticator "
                    + "(vendor " + PskAuthenticator.VENDOR_ID + ", sub-type " + PskAuthenticator.SUB_TYPE
                    + "), as the last option, followed only by zero padding");
        }
        Addressing addressing = received.addressing();
        if (!PskAuthenticator.verify(mh, at.get(), addressing, node.key())) {
            return Verdict.drop("example-psk: " + nai + ": the authenticator does not verify (wrong key, "
                    + "or the message or its addresses were changed)");
        }
        if (addressing.homeAddressOption().isPresent() && bu.option(AlternateCareOfAddress.class).isEmpty()
                && bu.option(Ipv4CareOfAddress.class).isEmpty()) {
            return Verdict.drop("example-psk: " + nai + ": a Binding Update from a care-of address must carry it "
                    + "in an Alternate Care-of Address option, where the MAC covers it");
        }
        long counter = PskAuthenticator.counterAt(mh, at.get());
        Optional<String> refused = replay.accept(node.identity(), counter);
        if (refused.isPresent()) {
            return Verdict.drop("example-psk: " + nai + ": " + refused.get());
        }
        PskReplyContext reply = new PskReplyContext(node, counter);
        Ipv6Address homeAddress = addressing.homeAddressOption().orElse(addressing.source());
        if (node.homeAddress().isPresent() && !node.homeAddress().get().equals(homeAddress)) {
            return Verdict.reject(BindingAckStatus.ADMINISTRATIVELY_PROHIBITED, reply, nai + " may register only "
                    + node.homeAddress().get() + ", not " + homeAddress);
        }
        return Verdict.accept(node.identity(), reply);
    }

    /** Wire text goes into log lines: show it only as printable ASCII, and not too much of it. */
    private static String printable(String text) {
        StringBuilder out = new StringBuilder("'");
        text.codePoints().limit(64).forEach(c -> out.append(c >= 0x20 && c < 0x7F ? (char) c : '?'));
        return out.append(text.length() > 64 ? "...'" : "'").toString();
    }

    private final class HomeAgentPath extends EngineTransportPath {

        HomeAgentPath(TransportFactory transports) {
            super(transports);
        }

        /** Decides at once, so the stage is already complete (the engine then needs no timer). */
        @Override
        public CompletionStage<Verdict> verify(Inbound received, MobilityMessage decoded) {
            return CompletableFuture.completedFuture(judgeSafely(received, decoded));
        }

        private Verdict judgeSafely(Inbound received, MobilityMessage decoded) {
            try {
                return judge(received, decoded);
            } catch (RuntimeException e) {
                return Verdict.drop("example-psk: internal failure while verifying (" + e.getClass().getSimpleName()
                        + ")");
            }
        }

        @Override
        public CompletionStage<Void> send(MobilityMessage message, Addressing to, Optional<ReplyContext> reply) {
            try {
                if (reply.isPresent()) {
                    if (!(reply.get() instanceof PskReplyContext ctx)) {
                        throw new SecurityProviderException("example-psk: the reply context " + reply.get().describe()
                                + " was not made by this provider");
                    }
                    return sendOctets(PskAuthenticator.encodeSigned(context.codec(), message, List.of(),
                            ctx.counter(), to, ctx.node().key()), to);
                }
                if (message instanceof BindingAcknowledgement) {
                    // Never a Binding Acknowledgement the mechanism cannot protect (RFC 6275 §10.3.1).
                    throw new SecurityProviderException("example-psk: a Binding Acknowledgement needs the reply "
                            + "context of the Binding Update it answers");
                }
                // A Binding Error to an unidentified sender: sent as is; a mobile node ignores it unverified.
                return sendOctets(context.codec().encode(message, to.pseudoHeaderSource(),
                        to.pseudoHeaderDestination()), to);
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
    }
}
