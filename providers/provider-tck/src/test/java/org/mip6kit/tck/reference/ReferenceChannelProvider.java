package org.mip6kit.tck.reference;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.BindingChange;
import org.mip6kit.spi.BootstrapRequest;
import org.mip6kit.spi.BootstrapResult;
import org.mip6kit.spi.Capability;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.HomeAgentSecurity;
import org.mip6kit.spi.Identity;
import org.mip6kit.spi.Inbound;
import org.mip6kit.spi.Observed;
import org.mip6kit.spi.MobileNodeSecurity;
import org.mip6kit.spi.Placement;
import org.mip6kit.spi.ProviderConfigException;
import org.mip6kit.spi.ProviderContext;
import org.mip6kit.spi.ProviderDescriptor;
import org.mip6kit.spi.RejectAction;
import org.mip6kit.spi.ReplyContext;
import org.mip6kit.spi.SecurityProviderException;
import org.mip6kit.spi.SecurityProviderFactory;
import org.mip6kit.spi.SignallingPath;
import org.mip6kit.spi.SignallingTransport;
import org.mip6kit.spi.SpiVersion;
import org.mip6kit.spi.TransportFactory;
import org.mip6kit.spi.Verdict;
import org.mip6kit.tck.reference.ReferenceHmacProvider.Flaw;
import org.mip6kit.tck.reference.ReferenceHomeAgentSecurity.NodeReply;
import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.MobilityMessage;

/**
 * A test-only {@link Placement#OWNS_CHANNEL} provider, {@code reference-channel}: the reference
 * provider's keys and replay rules, but applied to a channel it owns ({@link ChannelRecord}s
 * over a datagram channel it opens itself) instead of options inside the message. The channel
 * verifies each record before the engine sees anything and hands the engine bare Mobility
 * Header octets with evidence naming the authenticated identity. It proves the kit's
 * OWNS_CHANNEL adaptation: in tests the {@link ChannelOpener} returns the kit's in-memory
 * attachments.
 *
 * <p>Configuration as {@link ReferenceHmacProvider}'s plus {@code channel}: the name the opener
 * is asked for.
 */
public final class ReferenceChannelProvider implements SecurityProviderFactory {

    public static final String NAME = "reference-channel";

    /** Opens the datagram channel named in the configuration. */
    @FunctionalInterface
    public interface ChannelOpener {
        SignallingTransport open(String name);
    }

    private static final ProviderDescriptor DESCRIPTOR = new ProviderDescriptor(NAME, "1.0", SpiVersion.MAJOR,
            Placement.OWNS_CHANNEL, EnumSet.of(Capability.INTEGRITY, Capability.NEEDS_CLOCK_SYNC));
    private static final Duration WINDOW = Duration.ofSeconds(7);

    private final ChannelOpener opener;

    public ReferenceChannelProvider(ChannelOpener opener) {
        this.opener = opener;
    }

    /** The Mobility Header inside a record, unverified (how a test tells which records carry Binding Updates). */
    public static Optional<byte[]> mobilityHeaderOf(byte[] record) {
        return ChannelRecord.parse(record).map(ChannelRecord.Opened::mobilityHeader);
    }

    @Override
    public ProviderDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public MobileNodeSecurity mobileNode(ProviderContext context, ConfigSection config) throws ProviderConfigException {
        config.allowOnly(Set.of("nai", "key-id", "key", "channel"));
        return new MobileNode(context, NodeCredentials.read(config), config.string("channel"));
    }

    @Override
    public HomeAgentSecurity homeAgent(ProviderContext context, ConfigSection config) throws ProviderConfigException {
        config.allowOnly(Set.of("nodes", "channel"));
        Map<Long, NodeCredentials> byKeyId = new HashMap<>();
        for (ConfigSection s : config.sections("nodes")) {
            s.allowOnly(NodeCredentials.KEYS);
            NodeCredentials c = NodeCredentials.read(s);
            if (byKeyId.putIfAbsent(c.keyId(), c) != null) {
                throw s.error("key-id", c.keyId() + " is used by another node");
            }
        }
        return new HomeAgent(context, byKeyId, config.string("channel"));
    }

    private static boolean fresh(ProviderContext context, long ntp) {
        return Duration.between(HmacAuthenticator.fromNtp(ntp), context.clock().instant()).abs().compareTo(WINDOW) <= 0;
    }

    /** What the channel concluded when it opened a record: attached to the {@link Inbound} it delivers. */
    private record Opened(Identity who, long keyId) {
    }

    private abstract class ChannelPath implements SignallingPath {
        final ProviderContext context;
        private final String name;
        private volatile SignallingTransport channel;

        ChannelPath(ProviderContext context, String name) {
            this.context = context;
            this.name = name;
        }

        @Override
        public void start(Consumer<Inbound> receiver) {
            channel = opener.open(name);
            channel.start(in -> {
                try {
                    opened(in).ifPresent(receiver);
                } catch (RuntimeException e) {
                    // A record we cannot handle is dropped like any other bad record.
                }
            });
        }

        /** The verified Mobility Header of a received record, or empty to drop it. */
        abstract Optional<Inbound> opened(Inbound record);

        CompletionStage<Void> seal(MobilityMessage message, Addressing to, NodeCredentials key) {
            SignallingTransport c = channel;
            if (c == null) {
                return CompletableFuture.failedFuture(new SecurityProviderException("the channel is not open"));
            }
            byte[] mh = context.codec().encode(message, to.pseudoHeaderSource(), to.pseudoHeaderDestination());
            return c.send(ChannelRecord.seal(key.key(), key.keyId(), HmacAuthenticator.ntp(context.clock().instant()),
                    mh, to), to);
        }

        @Override
        public void close() {
            SignallingTransport c = channel;
            if (c != null) {
                c.close();
            }
        }
    }

    private final class HomeAgent implements HomeAgentSecurity {
        @Override
        public java.util.Set<org.mip6kit.spi.Capability> capabilities() {
            return DESCRIPTOR.capabilities();
        }

        private final ProviderContext context;
        private final Map<Long, NodeCredentials> byKeyId;
        private final Map<Identity, NodeCredentials> byIdentity = new HashMap<>();
        private final String channel;
        private final ReplayStates replay;

        HomeAgent(ProviderContext context, Map<Long, NodeCredentials> byKeyId, String channel) {
            this.context = context;
            this.byKeyId = Map.copyOf(byKeyId);
            byKeyId.values().forEach(c -> byIdentity.put(c.identity(), c));
            this.channel = channel;
            this.replay = new ReplayStates(context, WINDOW, Flaw.NONE);
        }

        @Override
        public SignallingPath path(TransportFactory engineTransports) {
            return new ChannelPath(context, channel) {
                @Override
                Optional<Inbound> opened(Inbound in) {
                    byte[] record = in.octets();
                    Optional<ChannelRecord.Opened> r = ChannelRecord.parse(record);
                    if (r.isEmpty()) {
                        return Optional.empty();
                    }
                    NodeCredentials node = byKeyId.get(r.get().keyId());
                    if (node == null || !ChannelRecord.verifies(record, node.key(), in.addressing())
                            || !fresh(context, r.get().timestamp())
                            || !replay.firstSeen(node.identity(), r.get().mac(), r.get().timestamp())) {
                        return Optional.empty();
                    }
                    return Optional.of(new Inbound(r.get().mobilityHeader(), in.addressing(), in.observed())
                            .withAttachment(new Opened(node.identity(), node.keyId())));
                }

                @Override
                public java.util.concurrent.CompletionStage<Verdict> verify(Inbound in, MobilityMessage decoded) {
                    return java.util.concurrent.CompletableFuture.completedFuture(verifyNow(in, decoded));
                }

                public Verdict verifyNow(Inbound in, MobilityMessage decoded) {
                    Optional<Identity> who = in.attachment(Opened.class).map(Opened::who);
                    NodeCredentials node = who.map(byIdentity::get).orElse(null);
                    if (node == null) {
                        return Verdict.drop("not a message this channel opened");
                    }
                    NodeReply reply = new NodeReply(node);
                    Ipv6Address claimed = in.addressing().homeAddressOption().orElse(in.addressing().source());
                    Optional<Identity> owner = context.homeAddresses().ownerOf(claimed);
                    if (owner.isPresent() && !owner.get().equals(node.identity())) {
                        return Verdict.reject(BindingAckStatus.ADMINISTRATIVELY_PROHIBITED, reply,
                                node.nai() + " claims " + claimed + ", which belongs to another identity");
                    }
                    return Verdict.accept(node.identity(), reply);
                }

                @Override
                public CompletionStage<Void> send(MobilityMessage m, Addressing to, Optional<ReplyContext> reply) {
                    if (reply.isEmpty() || !(reply.get() instanceof NodeReply r)) {
                        return CompletableFuture.failedFuture(new SecurityProviderException(
                                "cannot protect " + m.type() + " without a node's key"));
                    }
                    return seal(m, to, r.node());
                }
            };
        }

        @Override
        public CompletionStage<Void> beforeAck(BindingChange change) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void afterChange(BindingChange change) {
            replay.afterChange(change);
        }

        @Override
        public void close() {
            replay.close();
        }

        @Override
        public int perNodeStateCount() {
            return replay.size();
        }
    }

    private final class MobileNode implements MobileNodeSecurity {
        @Override
        public java.util.Set<org.mip6kit.spi.Capability> capabilities() {
            return DESCRIPTOR.capabilities();
        }

        private final ProviderContext context;
        private final NodeCredentials self;
        private final String channel;
        private final ReplayMemory replay = new ReplayMemory();
        private volatile Ipv6Address homeAgent;

        MobileNode(ProviderContext context, NodeCredentials self, String channel) {
            this.context = context;
            this.self = self;
            this.channel = channel;
        }

        @Override
        public CompletionStage<BootstrapResult> bootstrap(BootstrapRequest want) {
            if (want.configuredHomeAddress().isEmpty() || want.configuredHomeAgent().isEmpty()) {
                return CompletableFuture.failedFuture(new SecurityProviderException(
                        "reference-channel needs a configured home address and home agent"));
            }
            homeAgent = want.configuredHomeAgent().get();
            return CompletableFuture.completedFuture(new BootstrapResult(self.identity(), want.configuredHomeAddress(),
                    Optional.empty(), Optional.empty(), homeAgent, java.util.List.of()));
        }

        @Override
        public SignallingPath path(TransportFactory engineTransports) {
            Identity ha = new Identity(Identity.Kind.HOME_AGENT, String.valueOf(homeAgent));
            return new ChannelPath(context, channel) {
                @Override
                Optional<Inbound> opened(Inbound in) {
                    byte[] record = in.octets();
                    Optional<ChannelRecord.Opened> r = ChannelRecord.parse(record);
                    if (r.isEmpty() || r.get().keyId() != self.keyId() || !in.addressing().source().equals(homeAgent)
                            || !ChannelRecord.verifies(record, self.key(), in.addressing())
                            || !fresh(context, r.get().timestamp())) {
                        return Optional.empty();
                    }
                    synchronized (replay) {
                        Instant now = context.clock().instant();
                        if (!replay.remember(r.get().mac(), r.get().timestamp(), now, WINDOW)) {
                            return Optional.empty();
                        }
                    }
                    return Optional.of(new Inbound(r.get().mobilityHeader(), in.addressing(), in.observed())
                            .withAttachment(new Opened(ha, self.keyId())));
                }

                @Override
                public java.util.concurrent.CompletionStage<Verdict> verify(Inbound in, MobilityMessage decoded) {
                    return java.util.concurrent.CompletableFuture.completedFuture(verifyNow(in, decoded));
                }

                public Verdict verifyNow(Inbound in, MobilityMessage decoded) {
                    return in.attachment(Opened.class).map(Opened::who).equals(Optional.of(ha))
                            ? Verdict.accept(ha, () -> "home agent")
                            : Verdict.drop("not a message this channel opened");
                }

                @Override
                public CompletionStage<Void> send(MobilityMessage m, Addressing to, Optional<ReplyContext> reply) {
                    return seal(m, to, self);
                }
            };
        }

        @Override
        public CompletionStage<Void> careOfChanging(Ipv6Address from, Ipv6Address to) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public RejectAction onRejected(BindingAckStatus status, Inbound verifiedAcknowledgement) {
            return new RejectAction.GiveUp("refused with " + status);
        }

        @Override
        public void close() {
        }
    }
}
