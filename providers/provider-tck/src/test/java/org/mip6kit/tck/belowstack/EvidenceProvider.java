package org.mip6kit.tck.belowstack;

import java.util.EnumSet;
import java.util.HashMap;
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
import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.MobilityMessage;

/**
 * A test-only {@link Placement#BELOW_STACK} provider, {@code reference-evidence}, shaped like
 * an IPsec provider with the kernel's part simulated by the kit's network model: it never
 * changes octets, and judges each message by the interface it was {@link org.mip6kit.spi.Observed
 * observed} arriving on, which it maps to an SA and an IKE identity from its own table (a real
 * provider learns the table from its key-management daemon: one tunnel interface per CHILD_SA). A
 * Binding Update is accepted only when it came through an SA whose IKE identity is a known
 * node and whose selectors cover the claimed home address (RFC 3776 §5); otherwise 129 through
 * that SA, or nothing without one. "Policies" are installed in {@link HomeAgentSecurity#beforeAck}
 * and removed when the binding ends: they are its per-node state. Declares
 * {@link Capability#IKE_SURVIVES_MOVE}, so the kit's K-flag test runs its other branch.
 *
 * <p>Configuration: home agent {@code home-agent-identity}, {@code nodes: [{identity,
 * home-address}]}; mobile node {@code identity}, {@code home-agent-identity}.
 */
public final class EvidenceProvider implements SecurityProviderFactory {

    public static final String NAME = "reference-evidence";
    /** The interface the home agent's packets come out of on a mobile node. */
    public static final String HOME_AGENT_TUNNEL = "ipsec0";

    /** The interface node {@code i}'s packets come out of on the home agent. */
    public static String tunnelOf(int node) {
        return "ipsec" + (node + 1);
    }

    private static final ProviderDescriptor DESCRIPTOR = new ProviderDescriptor(NAME, "1.0", SpiVersion.MAJOR,
            Placement.BELOW_STACK, EnumSet.of(Capability.INTEGRITY, Capability.IKE_SURVIVES_MOVE));

    private final boolean trustsAddresses;

    public EvidenceProvider() {
        this(false);
    }

    /**
     * @param trustsAddresses the deliberate defect the kit must catch: ignore the evidence and
     *        believe the addresses (the home address claimed names the node; a message from the
     *        home agent's address is the home agent's)
     */
    public EvidenceProvider(boolean trustsAddresses) {
        this.trustsAddresses = trustsAddresses;
    }

    @Override
    public ProviderDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public MobileNodeSecurity mobileNode(ProviderContext context, ConfigSection config) throws ProviderConfigException {
        config.allowOnly(Set.of("identity", "home-agent-identity"));
        return new MobileNode(ikeId(config, "identity"), ikeId(config, "home-agent-identity"), trustsAddresses);
    }

    @Override
    public HomeAgentSecurity homeAgent(ProviderContext context, ConfigSection config) throws ProviderConfigException {
        config.allowOnly(Set.of("nodes"));
        Map<Identity, Ipv6Address> selectors = new HashMap<>();
        Map<String, Identity> tunnels = new HashMap<>();
        for (ConfigSection node : config.sections("nodes")) {
            node.allowOnly(Set.of("identity", "home-address", "tunnel"));
            Identity id = ikeId(node, "identity");
            tunnels.put(node.string("tunnel"), id);
            try {
                selectors.put(id, Ipv6Address.parse(node.string("home-address")));
            } catch (IllegalArgumentException e) {
                throw node.error("home-address", "is not an IPv6 address");
            }
        }
        return new HomeAgent(selectors, tunnels, trustsAddresses);
    }

    private static Identity ikeId(ConfigSection s, String key) throws ProviderConfigException {
        return new Identity(Identity.Kind.IKE_ID, s.string(key));
    }

    /** The SA a reply goes through. */
    private record ThroughSa(String sa) implements ReplyContext {
        @Override
        public String describe() {
            return "sa=" + sa;
        }
    }

    /** The engine's transport, octets unchanged (the kernel would protect them). */
    private abstract static class PassThroughPath implements SignallingPath {
        private final TransportFactory transports;
        private volatile SignallingTransport transport;

        PassThroughPath(TransportFactory transports) {
            this.transports = transports;
        }

        @Override
        public void start(Consumer<Inbound> receiver) {
            transport = transports.open();
            transport.start(receiver);
        }

        @Override
        public CompletionStage<Void> send(MobilityMessage message, Addressing to, Optional<ReplyContext> reply) {
            SignallingTransport t = transport;
            if (t == null) {
                return CompletableFuture.failedFuture(new SecurityProviderException("the path is not running"));
            }
            return t.send(codec().encode(message, to.pseudoHeaderSource(), to.pseudoHeaderDestination()), to);
        }

        abstract org.mip6kit.wire.MobilityHeaderCodec codec();

        @Override
        public void close() {
            SignallingTransport t = transport;
            if (t != null) {
                t.close();
            }
        }
    }

    private static final class HomeAgent implements HomeAgentSecurity {
        @Override
        public java.util.Set<org.mip6kit.spi.Capability> capabilities() {
            return DESCRIPTOR.capabilities();
        }

        private final Map<Identity, Ipv6Address> selectors;
        private final Map<String, Identity> tunnels;
        private final boolean trustsAddresses;
        private final Map<Ipv6Address, Identity> policies = new ConcurrentHashMap<>();

        HomeAgent(Map<Identity, Ipv6Address> selectors, Map<String, Identity> tunnels, boolean trustsAddresses) {
            this.selectors = Map.copyOf(selectors);
            this.tunnels = Map.copyOf(tunnels);
            this.trustsAddresses = trustsAddresses;
        }

        @Override
        public SignallingPath path(TransportFactory engineTransports) {
            return new PassThroughPath(engineTransports) {
                @Override
                public java.util.concurrent.CompletionStage<Verdict> verify(Inbound in, MobilityMessage decoded) {
                    return java.util.concurrent.CompletableFuture.completedFuture(verifyNow(in, decoded));
                }

                public Verdict verifyNow(Inbound in, MobilityMessage decoded) {
                    if (trustsAddresses) {
                        Ipv6Address claimed = in.addressing().homeAddressOption().orElse(in.addressing().source());
                        return selectors.entrySet().stream().filter(s -> s.getValue().equals(claimed)).findFirst()
                                .<Verdict>map(s -> Verdict.accept(s.getKey(), new ThroughSa("by-address")))
                                .orElse(Verdict.drop("no node has " + claimed));
                    }
                    Optional<String> via = in.observed().ingressInterface();
                    Identity who = via.map(tunnels::get).orElse(null);
                    if (who == null) {
                        return Verdict.drop("arrived outside any IPsec SA (on " + via.orElse("an unknown interface")
                                + "; RFC 3776 §5)");
                    }
                    Ipv6Address covered = selectors.get(who);
                    if (covered == null) {
                        return Verdict.drop("no node with IKE identity " + who);
                    }
                    ReplyContext reply = new ThroughSa(via.get());
                    Ipv6Address claimed = in.addressing().homeAddressOption().orElse(in.addressing().source());
                    if (!covered.equals(claimed)) {
                        return Verdict.reject(BindingAckStatus.ADMINISTRATIVELY_PROHIBITED, reply,
                                "the SA of " + who + " covers " + covered + ", not " + claimed);
                    }
                    return Verdict.accept(who, reply);
                }

                @Override
                org.mip6kit.wire.MobilityHeaderCodec codec() {
                    return org.mip6kit.wire.MobilityHeaderCodec.standard();
                }
            };
        }

        @Override
        public CompletionStage<Void> beforeAck(BindingChange change) {
            if (change.kind() != BindingChange.Kind.DELETED && change.kind() != BindingChange.Kind.EXPIRED) {
                policies.put(change.homeAddress(), change.identity());
            }
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void afterChange(BindingChange change) {
            if (change.kind() == BindingChange.Kind.DELETED || change.kind() == BindingChange.Kind.EXPIRED) {
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
        @Override
        public java.util.Set<org.mip6kit.spi.Capability> capabilities() {
            return DESCRIPTOR.capabilities();
        }

        private final Identity self;
        private final Identity homeAgent;
        private final boolean trustsAddresses;
        private volatile Ipv6Address homeAgentAddress;

        MobileNode(Identity self, Identity homeAgent, boolean trustsAddresses) {
            this.self = self;
            this.homeAgent = homeAgent;
            this.trustsAddresses = trustsAddresses;
        }

        @Override
        public CompletionStage<BootstrapResult> bootstrap(BootstrapRequest want) {
            if (want.configuredHomeAddress().isEmpty() || want.configuredHomeAgent().isEmpty()) {
                return CompletableFuture.failedFuture(new SecurityProviderException(
                        "reference-evidence needs a configured home address and home agent"));
            }
            homeAgentAddress = want.configuredHomeAgent().get();
            return CompletableFuture.completedFuture(new BootstrapResult(self, want.configuredHomeAddress(),
                    Optional.empty(), Optional.empty(), homeAgentAddress, java.util.List.of()));
        }

        @Override
        public SignallingPath path(TransportFactory engineTransports) {
            return new PassThroughPath(engineTransports) {
                @Override
                public java.util.concurrent.CompletionStage<Verdict> verify(Inbound in, MobilityMessage decoded) {
                    return java.util.concurrent.CompletableFuture.completedFuture(verifyNow(in, decoded));
                }

                public Verdict verifyNow(Inbound in, MobilityMessage decoded) {
                    if (trustsAddresses) {
                        return in.addressing().source().equals(homeAgentAddress)
                                ? Verdict.accept(homeAgent, new ThroughSa("by-address"))
                                : Verdict.drop("not from the home agent's address");
                    }
                    if (!in.observed().ingressInterface().equals(Optional.of(HOME_AGENT_TUNNEL))
                            || !in.addressing().source().equals(homeAgentAddress)) {
                        return Verdict.drop("not from the home agent's SA");
                    }
                    return Verdict.accept(homeAgent, new ThroughSa(HOME_AGENT_TUNNEL));
                }

                @Override
                org.mip6kit.wire.MobilityHeaderCodec codec() {
                    return org.mip6kit.wire.MobilityHeaderCodec.standard();
                }
            };
        }

        @Override
        public CompletionStage<Void> careOfChanging(Ipv6Address from, Ipv6Address to) {
            return CompletableFuture.completedFuture(null); // MOBIKE would move the IKE SA here
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
        return NAME + " (test-only)";
    }
}
