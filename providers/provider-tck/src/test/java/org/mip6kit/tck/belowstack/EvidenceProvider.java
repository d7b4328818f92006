package org.mip6kit.tck.belowstack;

import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
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
import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.MobilityMessage;

/**
 * A test-only {@link Placement#BELOW_STACK} provider, {@code reference-evidence}, shaped like an
 * IPsec provider whose kernel part is the network's: Mobility Header signalling goes through a
 * raw Mobility Header socket it opens through {@link ProviderContext#network()}, and the tunnel
 * that protects it (an XFRM interface keyed by IKEv2) is a fact of the network. It never changes
 * octets; it judges each message by the interface the socket {@linkplain Inbound#observed()
 * observed} it arriving on, which it maps to an IKE identity from its own table (a real provider
 * learns the table from its key-management daemon: one tunnel interface per CHILD_SA). A Binding
 * Update is accepted only when it came through a tunnel whose IKE identity is a known node and
 * whose selectors cover the claimed home address (RFC 3776 §5); otherwise 129 through that
 * tunnel, or nothing without one. "Policies" are installed in {@link HomeAgentSecurity#beforeAck},
 * removed when a prepared change is abandoned and when the binding ends: they are its per-node
 * state. Declares {@link Capability#IKE_SURVIVES_MOVE}, so the kit's K-flag test runs its other
 * branch.
 *
 * <p>Configuration: home agent {@code nodes: [{identity, home-address, tunnel}]}; mobile node
 * {@code identity}, {@code home-agent-identity}, {@code tunnel} (its interface towards the home
 * agent).
 */
public final class EvidenceProvider implements SecurityProviderFactory {

    public static final String NAME = "reference-evidence";

    /** Deliberate defects, for proving that the kit fails a bad provider. */
    public enum Flaw {
        /** The real thing. */
        NONE,
        /**
         * Ignores the interface and believes the addresses: the home address claimed names the
         * node; a message from the home agent's address is the home agent's.
         */
        TRUSTS_ADDRESSES,
        /** Leaves the policies a failed {@code beforeAck} installed: {@code abandoned} does nothing. */
        KEEPS_POLICIES_OF_ABANDONED_CHANGES
    }

    private static final ProviderDescriptor DESCRIPTOR = new ProviderDescriptor(NAME, "1.0", SpiVersion.MAJOR,
            Placement.BELOW_STACK, EnumSet.of(Capability.INTEGRITY, Capability.IKE_SURVIVES_MOVE));

    private final Flaw flaw;

    public EvidenceProvider() {
        this(Flaw.NONE);
    }

    public EvidenceProvider(Flaw flaw) {
        this.flaw = flaw;
    }

    @Override
    public ProviderDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public MobileNodeSecurity mobileNode(ProviderContext context, ConfigSection config) throws ProviderConfigException {
        config.allowOnly(Set.of("identity", "home-agent-identity", "tunnel"));
        return new MobileNode(context, ikeId(config, "identity"), ikeId(config, "home-agent-identity"),
                config.string("tunnel"), flaw);
    }

    @Override
    public HomeAgentSecurity homeAgent(ProviderContext context, ConfigSection config) throws ProviderConfigException {
        config.allowOnly(Set.of("nodes"));
        Map<Identity, Ipv6Address> selectors = new HashMap<>();
        Map<String, Identity> tunnels = new HashMap<>();
        for (ConfigSection node : config.sections("nodes")) {
            node.allowOnly(Set.of("identity", "home-address", "tunnel"));
            Identity id = ikeId(node, "identity");
            if (tunnels.putIfAbsent(node.string("tunnel"), id) != null) {
                throw node.error("tunnel", "is the tunnel of another identity");
            }
            try {
                selectors.put(id, Ipv6Address.parse(node.string("home-address")));
            } catch (IllegalArgumentException e) {
                throw node.error("home-address", "is not an IPv6 address");
            }
        }
        return new HomeAgent(context, selectors, tunnels, flaw);
    }

    private static Identity ikeId(ConfigSection s, String key) throws ProviderConfigException {
        return new Identity(Identity.Kind.IKE_ID, s.string(key));
    }

    /** The tunnel a reply goes through. */
    private record ThroughTunnel(String iface) implements ReplyContext {
        @Override
        public String describe() {
            return "tunnel=" + iface;
        }
    }

    /** The raw Mobility Header socket, octets unchanged (the tunnel protects them). */
    private abstract static class RawSocketPath implements SignallingPath {
        private final ProviderContext context;
        private volatile SignallingTransport socket;

        RawSocketPath(ProviderContext context) {
            this.context = context;
        }

        @Override
        public void start(Consumer<Inbound> receiver) {
            socket = context.network().openMobilityHeaderSocket(Optional.empty());
            socket.start(receiver);
        }

        @Override
        public CompletionStage<Void> send(MobilityMessage message, Addressing to, Optional<ReplyContext> reply) {
            SignallingTransport s = socket;
            if (s == null) {
                return CompletableFuture.failedFuture(new SecurityProviderException("the path is not running"));
            }
            // Never UDP: the tunnel carries the Mobility Header as it is.
            Addressing raw = new Addressing(to.source(), to.destination(), to.homeAddressOption(), to.routingHeader(),
                    Optional.empty());
            return s.send(context.codec().encode(message, raw.pseudoHeaderSource(), raw.pseudoHeaderDestination()), raw);
        }

        @Override
        public void close() {
            SignallingTransport s = socket;
            if (s != null) {
                s.close();
            }
        }
    }

    private static final class HomeAgent implements HomeAgentSecurity {
        private final ProviderContext context;
        private final Map<Identity, Ipv6Address> selectors;
        private final Map<String, Identity> tunnels;
        private final Flaw flaw;
        private final Map<Ipv6Address, Identity> policies = new ConcurrentHashMap<>();

        HomeAgent(ProviderContext context, Map<Identity, Ipv6Address> selectors, Map<String, Identity> tunnels,
                  Flaw flaw) {
            this.context = context;
            this.selectors = Map.copyOf(selectors);
            this.tunnels = Map.copyOf(tunnels);
            this.flaw = flaw;
        }

        @Override
        public Set<Capability> capabilities() {
            return DESCRIPTOR.capabilities();
        }

        @Override
        public SignallingPath path(TransportFactory engineTransports) {
            return new RawSocketPath(context) {
                @Override
                public CompletionStage<Verdict> verify(Inbound in, MobilityMessage decoded) {
                    return CompletableFuture.completedFuture(judge(in));
                }
            };
        }

        private Verdict judge(Inbound in) {
            Ipv6Address claimed = in.addressing().homeAddressOption().orElse(in.addressing().source());
            if (flaw == Flaw.TRUSTS_ADDRESSES) {
                return selectors.entrySet().stream().filter(s -> s.getValue().equals(claimed)).findFirst()
                        .<Verdict>map(s -> Verdict.accept(s.getKey(), new ThroughTunnel("by-address")))
                        .orElse(Verdict.drop("no node has " + claimed));
            }
            Optional<String> via = in.observed().ingressInterface();
            Identity who = via.map(tunnels::get).orElse(null);
            if (who == null) {
                return Verdict.drop("arrived outside any IPsec tunnel (on " + via.orElse("an unknown interface")
                        + "; RFC 3776 §5)");
            }
            Ipv6Address covered = selectors.get(who);
            if (covered == null) {
                return Verdict.drop("no node with IKE identity " + who);
            }
            ReplyContext reply = new ThroughTunnel(via.get());
            if (!covered.equals(claimed)) {
                return Verdict.reject(BindingAckStatus.ADMINISTRATIVELY_PROHIBITED, reply,
                        "the SA of " + who + " covers " + covered + ", not " + claimed);
            }
            return Verdict.accept(who, reply);
        }

        @Override
        public CompletionStage<Void> beforeAck(BindingChange change) {
            policies.put(change.homeAddress(), change.identity());
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void abandoned(BindingChange change, String reason) {
            // A refresh or move that did not happen leaves the binding, and its policy, as it was.
            if (flaw != Flaw.KEEPS_POLICIES_OF_ABANDONED_CHANGES && change.kind() == BindingChange.Kind.CREATED) {
                policies.remove(change.homeAddress(), change.identity());
            }
        }

        @Override
        public void afterChange(BindingChange change) {
            if (!change.kind().keepsBinding()) {
                policies.remove(change.homeAddress(), change.identity());
            }
        }

        @Override
        public void close() {
            policies.clear();
        }

        @Override
        public int perNodeStateCount() {
            return policies.size();
        }
    }

    private static final class MobileNode implements MobileNodeSecurity {
        private final ProviderContext context;
        private final Identity self;
        private final Identity homeAgent;
        private final String tunnel;
        private final Flaw flaw;
        private volatile Ipv6Address homeAgentAddress;

        MobileNode(ProviderContext context, Identity self, Identity homeAgent, String tunnel, Flaw flaw) {
            this.context = context;
            this.self = self;
            this.homeAgent = homeAgent;
            this.tunnel = tunnel;
            this.flaw = flaw;
        }

        @Override
        public Set<Capability> capabilities() {
            return DESCRIPTOR.capabilities();
        }

        @Override
        public CompletionStage<BootstrapResult> bootstrap(BootstrapRequest want) {
            if (want.configuredHomeAddress().isEmpty() || want.configuredHomeAgent().isEmpty()) {
                return CompletableFuture.failedFuture(new SecurityProviderException(
                        "reference-evidence needs a configured home address and home agent"));
            }
            homeAgentAddress = want.configuredHomeAgent().get();
            return CompletableFuture.completedFuture(new BootstrapResult(self, want.configuredHomeAddress(),
                    Optional.empty(), Optional.empty(), homeAgentAddress, List.of()));
        }

        @Override
        public SignallingPath path(TransportFactory engineTransports) {
            return new RawSocketPath(context) {
                @Override
                public CompletionStage<Verdict> verify(Inbound in, MobilityMessage decoded) {
                    return CompletableFuture.completedFuture(judge(in));
                }
            };
        }

        private Verdict judge(Inbound in) {
            boolean fromHomeAgent = in.addressing().source().equals(homeAgentAddress);
            if (flaw == Flaw.TRUSTS_ADDRESSES) {
                return fromHomeAgent ? Verdict.accept(homeAgent, new ThroughTunnel("by-address"))
                        : Verdict.drop("not from the home agent's address");
            }
            if (!in.observed().ingressInterface().equals(Optional.of(tunnel)) || !fromHomeAgent) {
                return Verdict.drop("not through the tunnel to the home agent (arrived on "
                        + in.observed().ingressInterface().orElse("an unknown interface") + ")");
            }
            return Verdict.accept(homeAgent, new ThroughTunnel(tunnel));
        }

        @Override
        public CompletionStage<Void> careOfChanging(Ipv6Address from, Ipv6Address to) {
            return CompletableFuture.completedFuture(null); // MOBIKE moves the IKE SA; the tunnel stays
        }

        @Override
        public RejectAction onRejected(BindingAckStatus status, Inbound verifiedAcknowledgement) {
            return new RejectAction.GiveUp("refused with " + status);
        }

        @Override
        public void close() {
        }
    }

    @Override
    public String toString() {
        return NAME + " (test-only" + (flaw == Flaw.NONE ? "" : ", flaw: " + flaw) + ")";
    }
}
