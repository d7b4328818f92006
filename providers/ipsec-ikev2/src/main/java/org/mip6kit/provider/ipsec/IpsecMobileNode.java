package org.mip6kit.provider.ipsec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

import org.mip6kit.provider.ipsec.charon.Charon;
import org.mip6kit.provider.ipsec.charon.CharonEvent;
import org.mip6kit.provider.ipsec.charon.CharonSession;
import org.mip6kit.provider.ipsec.charon.IkeSa;
import org.mip6kit.provider.ipsec.charon.ViciConnector;
import org.mip6kit.provider.ipsec.kernel.MobilityPolicySet;
import org.mip6kit.provider.ipsec.xfrm.XfrmException;
import org.mip6kit.provider.ipsec.vici.ViciCommandException;
import org.mip6kit.provider.ipsec.vici.ViciMessage;
import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.BootstrapRequest;
import org.mip6kit.spi.BootstrapResult;
import org.mip6kit.spi.Capability;
import org.mip6kit.spi.Identity;
import org.mip6kit.spi.Inbound;
import org.mip6kit.spi.MobileNodeHandle;
import org.mip6kit.spi.MobileNodeSecurity;
import org.mip6kit.spi.ProviderContext;
import org.mip6kit.spi.ProviderEvent;
import org.mip6kit.spi.RegistrationChange;
import org.mip6kit.spi.RejectAction;
import org.mip6kit.spi.ReplyContext;
import org.mip6kit.spi.SecurityProviderException;
import org.mip6kit.spi.SignallingPath;
import org.mip6kit.spi.TransportFactory;
import org.mip6kit.spi.Verdict;
import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.BindingUpdate;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.MobilityMessage;

/**
 * The mobile node's side. Bootstrap (draft §6.1, §6.2, §6.5): load the node's secret and a
 * connection into its charon over VICI, with the current care-of address as local address and
 * {@code vips} asking for a home address, and initiate; no SPD entry exists before, and the home
 * address is what charon reports in {@code local-vips} afterwards. Signalling then travels
 * through the tunnel ({@link TunnelPath}). charon's restart, the IKE SA going down and a new
 * virtual IP make the provider ask the engine to bootstrap again; a deregistration and close end
 * the IKE SA.
 *
 * <p><b>Mode kernel</b> (RFC 4877 §4, §5; draft §6.6–6.8): the first bootstrap probes the kernel
 * ({@link KernelSupport}); the connection's child is transport mode in charon's Mobile IPv6
 * proxy variant ({@value #KERNEL_CHILD_MODE}: the SA's ends are the traffic selectors' addresses,
 * home address ↔ home agent, not the IKE addresses), {@code policies = no}, its {@code reqid}
 * pinned; charon's configuration payload gives the home address. Before the bootstrap completes
 * — so before the first Binding Update — the provider installs the node's
 * {@link MobilityPolicySet} (BU out, BA in, optionally the payload tunnel) whose templates name
 * that reqid; it removes it after deregistration and on close. Signalling keeps the engine's
 * addressing (care-of source and Home Address option; type 2 routing header). With K, a care-of
 * change migrates the payload tunnel with KMADDRESS so that charon moves its IKE SA; the
 * transport-mode BU/BA SAs are bound to the home address and have nothing to migrate.
 */
final class IpsecMobileNode implements MobileNodeSecurity, CharonSession.Listener {

    static final String CONNECTION = "mip6kit-mn";
    static final String CHILD = "mip6kit-hoa";
    /** Mode kernel's payload tunnel CHILD SA (optional). */
    static final String PAYLOAD_CHILD = "mip6kit-payload";
    /**
     * swanctl.conf's transport mode for Mobile IPv6: charon 5.9 turns plain {@code transport} into
     * tunnel mode when the traffic selectors are not the IKE endpoints ("not host-to-host"),
     * which a home address that differs from the care-of address never is.
     */
    static final String KERNEL_CHILD_MODE = "transport_proxy";
    private static final Duration TERMINATE_TIMEOUT = Duration.ofSeconds(3);

    private final ProviderContext context;
    private final MobileNodeConfig config;
    private final CharonSession session;
    private final KernelAccess access;
    /** Mode kernel: the probe passed and the XFRM channel is open; null before the first bootstrap. */
    private volatile KernelSupport kernel;
    /** Mode kernel: the policy set in the SPD now; null when none. */
    private volatile MobilityPolicySet installed;
    private final Object lock = new Object();
    private volatile MobileNodeHandle engine;
    /** What the last bootstrap established; null before and after the IKE SA. */
    private volatile Established current;
    private final List<Waiter> careOfWaiters = new ArrayList<>();
    private volatile boolean closed;
    /** Whether the home agent has accepted a registration that has not ended. */
    private volatile boolean registered;
    /** Whether the provider asked for the bootstrap that runs (and so retries it when it fails). */
    private volatile boolean asked;
    private volatile Duration retryDelay = FIRST_RETRY;
    private static final Duration FIRST_RETRY = Duration.ofSeconds(2);
    private static final Duration LAST_RETRY = Duration.ofSeconds(60);

    private record Established(String ikeUniqueId, Identity self, Identity homeAgent, Ipv6Address homeAddress,
                               Ipv6Address homeAgentAddress, Optional<Ipv6Address> ikeRemote) {}

    private record Waiter(Ipv6Address to, CompletableFuture<Void> done) {}

    IpsecMobileNode(ProviderContext context, MobileNodeConfig config, ViciConnector connector, KernelAccess access) {
        this.context = context;
        this.config = config;
        this.access = access;
        this.session = new CharonSession(connector, config.ike().viciSocket(), context.scheduler(), this);
    }

    @Override
    public Set<Capability> capabilities() {
        return config.ike().mode().capabilities();
    }

    @Override
    public void attach(MobileNodeHandle engine) {
        this.engine = engine;
    }

    @Override
    public CompletionStage<BootstrapResult> bootstrap(BootstrapRequest want) {
        if (want.configuredHomeAgent().isEmpty()) {
            return CompletableFuture.failedFuture(new SecurityProviderException("ipsec-ikev2 needs the home agent's "
                    + "address inside the home prefix (home-agent-address in the mobile node's configuration): the "
                    + "tunnel carries signalling between the home address and that address"));
        }
        if (kernelMode()) {
            try {
                startKernel();
            } catch (SecurityProviderException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        Ipv6Address homeAgent = want.configuredHomeAgent().get();
        current = null;
        return session.connect()
                .thenCompose(charon -> load(charon, want).thenApply(x -> charon))
                .thenCompose(charon -> endOldSas(charon).thenApply(x -> charon))
                .thenCompose(charon -> charon.initiate(CHILD, CONNECTION, config.initiateTimeout())
                        .thenCompose(x -> payloadWanted()
                                ? charon.initiate(PAYLOAD_CHILD, CONNECTION, config.initiateTimeout())
                                : CompletableFuture.completedFuture(null))
                        .thenCompose(x -> charon.listSas(Optional.of(CONNECTION))))
                .handle((sas, failure) -> {
                    if (failure != null) {
                        retryIfAsked();
                        throw new CompletionException(new SecurityProviderException("IKEv2 with the home agent "
                                + config.ikePeers() + " failed: " + reason(failure)));
                    }
                    asked = false;
                    retryDelay = FIRST_RETRY;
                    return established(sas, homeAgent, want.careOf());
                });
    }

    private CompletionStage<Void> load(Charon charon, BootstrapRequest want) {
        String secretId = "mip6kit-mn-psk";
        ViciMessage.Builder conn = ViciMessage.builder()
                .add("version", "2")
                .list("remote_addrs", config.ikePeers().toArray(String[]::new))
                .list("vips", want.configuredHomeAddress().map(Ipv6Address::toString).orElse("::"))
                .add("mobike", "yes")
                .list("proposals", config.ike().proposals().toArray(String[]::new))
                .section("local", ViciMessage.builder().add("auth", "psk").add("id", config.ike().identity()).build())
                .section("remote", ViciMessage.builder().add("auth", "psk").add("id", config.homeAgentIdentity())
                        .build())
                .section("children", kernelMode() ? kernelChildren(want) : ViciMessage.builder().section(CHILD,
                        ViciMessage.builder()
                        .list("local_ts", "dynamic")
                        .list("remote_ts", config.homePrefix().toString())
                        .add("mode", "tunnel")
                        .list("esp_proposals", config.ike().espProposals().toArray(String[]::new))
                        .add("start_action", "none")
                        .build()).build());
        if (!want.careOf().equals(want.configuredHomeAddress().orElse(null))) {
            conn.list("local_addrs", CharonAddresses.text(want.careOf()));
        }
        return charon.loadSharedPsk(secretId, config.psk(), List.of(config.ike().identity(),
                        config.homeAgentIdentity()))
                .thenCompose(x -> charon.loadConn(CONNECTION, conn.build()));
    }

    /**
     * Mode kernel's children: the signalling SA home address ↔ home agent ({@code local_ts
     * dynamic} is the virtual IP, {@code remote_ts} the home agent's address /128), transport
     * (proxy) mode, no policies of charon's, the configured reqid; and, when configured, the
     * payload tunnel from the home address to anywhere, reqid + 1.
     */
    private ViciMessage kernelChildren(BootstrapRequest want) {
        Ipv6Address homeAgent = want.configuredHomeAgent().orElseThrow();
        ViciMessage.Builder children = ViciMessage.builder().section(CHILD, ViciMessage.builder()
                .list("local_ts", "dynamic")
                .list("remote_ts", homeAgent + "/128")
                .add("mode", KERNEL_CHILD_MODE)
                .add("policies", "no")
                .add("reqid", Integer.toString(config.reqid()))
                .list("esp_proposals", config.ike().espProposals().toArray(String[]::new))
                .add("start_action", "none")
                .build());
        if (payloadWanted()) {
            children.section(PAYLOAD_CHILD, ViciMessage.builder()
                    .list("local_ts", "dynamic")
                    .list("remote_ts", "::/0")
                    .add("mode", "tunnel")
                    .add("policies", "no")
                    .add("reqid", Integer.toString(config.reqid() + 1))
                    .list("esp_proposals", config.ike().espProposals().toArray(String[]::new))
                    .add("start_action", "none")
                    .build());
        }
        return children.build();
    }

    private boolean kernelMode() {
        return config.ike().mode() == IpsecMode.KERNEL;
    }

    private boolean payloadWanted() {
        return kernelMode() && config.payloadTunnel();
    }

    /** Probes the kernel and opens the XFRM channel, once; throws the refusal. */
    private synchronized KernelSupport startKernel() {
        if (kernel == null) {
            kernel = KernelSupport.start(access);
        }
        return kernel;
    }

    /** The node's policy set for {@code homeAddress} at {@code homeAgent}, the payload tunnel from {@code careOf}. */
    private MobilityPolicySet policySet(Ipv6Address homeAddress, Ipv6Address homeAgent, Ipv6Address careOf) {
        MobilityPolicySet.Builder b = MobilityPolicySet.builder(MobilityPolicySet.Role.MOBILE_NODE,
                KernelSupport.inet(homeAddress), KernelSupport.inet(homeAgent)).signallingReqid(config.reqid());
        if (payloadWanted() && !careOf.isIpv4Mapped() && !careOf.equals(homeAddress) && !careOf.equals(homeAgent)) {
            b.payload(KernelSupport.inet(careOf), config.reqid() + 1);
        }
        return b.build();
    }

    /** Installs {@code set}, removing the one installed before if it differs; throws the kernel's refusal. */
    private void replaceInstalled(MobilityPolicySet set) {
        KernelSupport k = kernel;
        MobilityPolicySet before = installed;
        try {
            if (before != null && !before.equals(set)) {
                installed = null;
                k.installer().remove(before);
            }
            k.installer().install(set);
        } catch (XfrmException e) {
            throw KernelSupport.failure("the kernel refused the mobile node's IPsec policies", e);
        }
        installed = set;
        context.events().emit(new ProviderEvent("policies-installed", Optional.empty(),
                Optional.of(Ipv6Address.fromBytes(set.homeAddress().getAddress())), set.describe()));
    }

    /** Removes the installed set, if any (after deregistration, on close). */
    private void removeInstalled(String why) {
        KernelSupport k = kernel;
        MobilityPolicySet s = installed;
        installed = null;
        if (k == null || s == null) {
            return;
        }
        String outcome;
        try {
            outcome = k.installer().remove(s).size() + " policies removed";
        } catch (XfrmException e) {
            outcome = "removal failed: " + e.getMessage();
        }
        context.events().emit(new ProviderEvent("policies-removed", Optional.empty(),
                Optional.of(Ipv6Address.fromBytes(s.homeAddress().getAddress())), why + ": " + outcome));
    }

    private CompletionStage<Void> endOldSas(Charon charon) {
        return charon.listSas(Optional.of(CONNECTION)).thenCompose(sas -> {
            CompletableFuture<Void> all = CompletableFuture.completedFuture(null);
            for (IkeSa sa : sas) {
                all = all.thenCompose(x -> charon.terminateIkeSa(sa.uniqueId(), TERMINATE_TIMEOUT)
                        .handle((y, e) -> null));
            }
            return all;
        });
    }

    private BootstrapResult established(List<IkeSa> sas, Ipv6Address homeAgent, Ipv6Address careOf) {
        for (IkeSa sa : sas) {
            Optional<Ipv6Address> hoa = CharonAddresses.firstIpv6(sa.localVips());
            if (sa.established() && hoa.isPresent()) {
                Identity self = new Identity(Identity.Kind.IKE_ID, sa.localId());
                Identity ha = new Identity(Identity.Kind.IKE_ID, sa.remoteId());
                if (kernelMode()) {
                    // The SPD entries exist before the first Binding Update (RFC 4877 §4).
                    try {
                        replaceInstalled(policySet(hoa.get(), homeAgent, careOf));
                    } catch (SecurityProviderException e) {
                        throw new CompletionException(e);
                    }
                }
                current = new Established(sa.uniqueId(), self, ha, hoa.get(), homeAgent,
                        CharonAddresses.parse(sa.remoteHost()));
                context.events().emit(new ProviderEvent("ike-sa-up", Optional.of(ha), hoa,
                        "IKEv2 SA " + sa.uniqueId() + " with " + sa.remoteHost() + " up; home address " + hoa.get()
                                + " assigned by the home agent's pool; local IKE address " + sa.localHost()));
                return new BootstrapResult(self, hoa, Optional.empty(), Optional.empty(), homeAgent, List.of());
            }
        }
        throw new CompletionException(new SecurityProviderException("charon established no IKE SA with a virtual "
                + "IPv6 address (the home agent's pool offered none?); SAs: " + sas.size()));
    }

    private static String reason(Throwable t) {
        Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        if (c instanceof ViciCommandException v) {
            return "charon: " + v.errmsg().orElse(v.getMessage());
        }
        return c.getMessage();
    }

    @Override
    public SignallingPath path(TransportFactory engineTransports) {
        if (kernelMode()) {
            return kernelPath();
        }
        return new TunnelPath(context) {
            @Override
            public CompletionStage<Verdict> verify(Inbound in, MobilityMessage decoded) {
                return CompletableFuture.completedFuture(judge(in));
            }

            @Override
            public CompletionStage<Void> send(MobilityMessage message, Addressing to, Optional<ReplyContext> reply) {
                Established e = current;
                if (e == null) {
                    return CompletableFuture.failedFuture(new SecurityProviderException(
                            "no IKE SA with the home agent: bootstrap first"));
                }
                Ipv6Address claimed = to.homeAddressOption().orElse(to.source());
                if (message instanceof BindingUpdate && !claimed.equals(e.homeAddress())) {
                    return CompletableFuture.failedFuture(new SecurityProviderException("the IKE SA binds home address "
                            + e.homeAddress() + "; a Binding Update for " + claimed + " cannot be sent through it"));
                }
                return sendThroughTunnel(message, e.homeAddress(), e.homeAgentAddress());
            }
        };
    }

    /** Mode kernel: the engine's addressing, the kernel's ESP underneath. */
    private SignallingPath kernelPath() {
        return new TunnelPath(context) {
            @Override
            public CompletionStage<Verdict> verify(Inbound in, MobilityMessage decoded) {
                return CompletableFuture.completedFuture(judgeKernel(in));
            }

            @Override
            public CompletionStage<Void> send(MobilityMessage message, Addressing to, Optional<ReplyContext> reply) {
                Established e = current;
                if (e == null || installed == null) {
                    return CompletableFuture.failedFuture(new SecurityProviderException(
                            "no IKE SA and IPsec policies for the home agent: bootstrap first"));
                }
                Ipv6Address claimed = to.homeAddressOption().orElse(to.source());
                if (message instanceof BindingUpdate && !claimed.equals(e.homeAddress())) {
                    return CompletableFuture.failedFuture(new SecurityProviderException("the IKE SA binds home address "
                            + e.homeAddress() + "; a Binding Update for " + claimed + " has no SA to go through"));
                }
                return sendAsAddressed(message, to);
            }
        };
    }

    /**
     * Mode kernel: an acknowledgement from the home agent to this node's home address (type 2
     * routing header, or plain when at home). The kernel delivered it only after the BA-in
     * policy's transport-mode ESP check.
     */
    private Verdict judgeKernel(Inbound in) {
        Established e = current;
        if (e == null || installed == null) {
            return Verdict.drop("no IKE SA and IPsec policies for the home agent");
        }
        if (!config.ike().tunnelInterface().matches(in.observed().ingressInterface())) {
            return Verdict.drop("arrived on " + in.observed().ingressInterface().orElse("an unknown interface")
                    + ", not " + config.ike().tunnelInterface());
        }
        Addressing a = in.addressing();
        Ipv6Address to = a.routingHeader().orElse(a.destination());
        if (!a.source().equals(e.homeAgentAddress()) || !to.equals(e.homeAddress()) || a.homeAddressOption().isPresent()) {
            return Verdict.drop("from " + a.source() + " to " + to + ", not from the home agent "
                    + e.homeAgentAddress() + " to the home address " + e.homeAddress());
        }
        return Verdict.accept(e.homeAgent(), new TunnelPath.ThroughTunnel(e.homeAddress()));
    }

    private Verdict judge(Inbound in) {
        Established e = current;
        if (e == null) {
            return Verdict.drop("no IKE SA with the home agent");
        }
        if (!config.ike().tunnelInterface().matches(in.observed().ingressInterface())) {
            return Verdict.drop("arrived on " + in.observed().ingressInterface().orElse("an unknown interface")
                    + ", not through the IPsec tunnel (" + config.ike().tunnelInterface() + ")");
        }
        Addressing a = in.addressing();
        if (!a.source().equals(e.homeAgentAddress()) || !a.destination().equals(e.homeAddress())
                || a.homeAddressOption().isPresent() || a.routingHeader().isPresent()) {
            return Verdict.drop("came through the tunnel but from " + a.source() + " to " + a.destination()
                    + ", not from the home agent " + e.homeAgentAddress() + " to the home address " + e.homeAddress());
        }
        return Verdict.accept(e.homeAgent(), new TunnelPath.ThroughTunnel(e.homeAddress()));
    }

    @Override
    public CompletionStage<Void> careOfChanging(Ipv6Address from, Ipv6Address to) {
        if (kernelMode()) {
            return kernelMove(to);
        }
        Optional<Charon> charon = session.current();
        Established e = current;
        if (charon.isEmpty() || e == null) {
            return CompletableFuture.failedFuture(new SecurityProviderException("charon is not connected; "
                    + "the move waits for the IKE SA"));
        }
        Waiter w = new Waiter(to, new CompletableFuture<>());
        synchronized (lock) {
            careOfWaiters.add(w);
        }
        charon.get().listSas(Optional.of(CONNECTION)).thenAccept(sas -> sas.stream()
                .filter(sa -> sa.uniqueId().equals(e.ikeUniqueId()))
                .filter(sa -> CharonAddresses.parse(sa.localHost()).filter(to::equals).isPresent())
                .findFirst().ifPresent(sa -> w.done.complete(null)));
        context.scheduler().schedule(config.mobikeTimeout(), () -> {
            if (w.done.isDone()) {
                return;
            }
            // The tunnel carries the Binding Update whatever outer address charon uses: go on if the SA is up.
            charon.get().listSas(Optional.of(CONNECTION)).whenComplete((sas, failure) -> {
                boolean up = sas != null && sas.stream().anyMatch(sa -> sa.uniqueId().equals(e.ikeUniqueId())
                        && sa.established());
                if (up) {
                    context.events().emit(new ProviderEvent("mobike-pending", Optional.of(e.homeAgent()),
                            Optional.of(e.homeAddress()), "charon has not moved the IKE SA to " + to + " within "
                            + config.mobikeTimeout() + "; the Binding Update goes through the tunnel as it is"));
                    w.done.complete(null);
                } else {
                    w.done.completeExceptionally(new SecurityProviderException("the IKE SA with the home agent is "
                            + "not up; the move waits for a new bootstrap"));
                }
            });
        });
        return w.done.whenComplete((x, f) -> {
            synchronized (lock) {
                careOfWaiters.remove(w);
            }
        });
    }

    /**
     * Mode kernel, K = 1. The BU/BA SAs are transport mode between home address and home agent:
     * no selector or template names the care-of address, so there is nothing to MIGRATE for them
     * (RFC 4877 §4). A payload tunnel's policies do name it: they are migrated with KMADDRESS
     * (new care-of address, the home agent's IKE address), which makes charon move its IKE SA
     * (RFC 4877 §5, K flag). Completes when the kernel has answered.
     */
    private CompletionStage<Void> kernelMove(Ipv6Address to) {
        Established e = current;
        MobilityPolicySet s = installed;
        KernelSupport k = kernel;
        if (e == null || s == null || k == null) {
            return CompletableFuture.failedFuture(new SecurityProviderException("no IKE SA and IPsec policies for "
                    + "the home agent; the move waits for the bootstrap"));
        }
        if (s.careOf().isEmpty() || to.isIpv4Mapped() || to.equals(e.homeAddress())
                || to.equals(e.homeAgentAddress())) {
            context.events().emit(new ProviderEvent("k-move", Optional.of(e.homeAgent()), Optional.of(e.homeAddress()),
                    "care-of address now " + to + ": the Binding Update/Acknowledgement SAs are transport mode "
                            + "bound to the home address, nothing to migrate"
                            + (s.careOf().isEmpty() ? "" : " (the payload tunnel stays until the binding changes)")));
            return CompletableFuture.completedFuture(null);
        }
        Ipv6Address ikePeer = e.ikeRemote().filter(a -> !a.isIpv4Mapped()).orElse(e.homeAgentAddress());
        try {
            installed = k.installer().migrate(s, KernelSupport.inet(to), KernelSupport.kmaddress(to, ikePeer));
        } catch (XfrmException x) {
            return CompletableFuture.failedFuture(KernelSupport.failure("MIGRATE of the payload tunnel to " + to
                    + " failed", x));
        }
        context.events().emit(new ProviderEvent("k-move", Optional.of(e.homeAgent()), Optional.of(e.homeAddress()),
                "payload tunnel migrated to " + to + " with KMADDRESS (" + to + ", " + ikePeer
                        + "): charon moves the IKE SA"));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public RejectAction onRejected(BindingAckStatus status, Inbound verifiedAcknowledgement) {
        return new RejectAction.GiveUp("the home agent refused the registration: " + status);
    }

    @Override
    public void registrationChanged(RegistrationChange change) {
        switch (change.kind()) {
            case REGISTERED, MOVED, REFRESHED -> registered = true;
            case DEREGISTERED -> {
                registered = false;
                removeInstalled("deregistered");
                endIkeSa("deregistered");
            }
            // The IKE SA stays: the engine may register through it again; the home agent ends an SA that
            // holds an address without a binding after its registration-wait.
            case LOST, EXPIRED -> registered = false;
        }
    }

    private void endIkeSa(String why) {
        Established e = current;
        current = null;
        Optional<Charon> charon = session.current();
        if (e != null && charon.isPresent()) {
            charon.get().terminateIkeSa(e.ikeUniqueId(), TERMINATE_TIMEOUT).whenComplete((x, f) -> context.events()
                    .emit(new ProviderEvent("ike-sa-terminated", Optional.of(e.homeAgent()),
                            Optional.of(e.homeAddress()), "IKE SA " + e.ikeUniqueId() + " ended (" + why + ")"
                            + (f == null ? "" : "; charon: " + reason(f)))));
        }
    }

    // ------------------------------------------------------------------ charon's events (on the scheduler)

    @Override
    public void connected(Charon charon, boolean again) {
        if (again && !closed) {
            current = null;
            requestBootstrap("charon restarted: its IKE SAs and the home address lease are gone");
        }
    }

    @Override
    public void lost(String reason) {
        context.events().emit(new ProviderEvent("vici-lost", Optional.empty(), Optional.empty(),
                "lost charon's VICI socket " + config.ike().viciSocket() + " (" + reason + "); reconnecting"));
    }

    @Override
    public void event(CharonEvent event) {
        Established e = current;
        if (event instanceof CharonEvent.IkeUpdate u && e != null && u.sa().uniqueId().equals(e.ikeUniqueId())) {
            Optional<Ipv6Address> now = CharonAddresses.parse(u.newLocalHost());
            List<Waiter> waiting;
            synchronized (lock) {
                waiting = List.copyOf(careOfWaiters);
            }
            waiting.stream().filter(w -> now.filter(w.to()::equals).isPresent()).forEach(w -> w.done.complete(null));
            context.events().emit(new ProviderEvent("mobike-update", Optional.of(e.homeAgent()),
                    Optional.of(e.homeAddress()), "charon moved the IKE SA to " + u.newLocalHost()));
        } else if (event instanceof CharonEvent.IkeUpDown ud && e != null && ud.sa().name().equals(CONNECTION)) {
            if (!ud.up() && ud.sa().uniqueId().equals(e.ikeUniqueId())) {
                current = null;
                if (registered) {
                    requestBootstrap("the IKE SA with the home agent went down");
                }
            } else if (ud.up() && CharonAddresses.firstIpv6(ud.sa().localVips()).filter(v -> !v.equals(e.homeAddress()))
                    .isPresent()) {
                requestBootstrap("charon leased another virtual IP");
            }
        }
    }

    private void requestBootstrap(String why) {
        MobileNodeHandle h = engine;
        if (h != null && !closed) {
            asked = true;
            h.rebootstrap(why);
        }
    }

    /**
     * A bootstrap the provider asked for failed (the home agent's charon still restarting, say):
     * the engine does not retry it, so the provider asks again after 2, 4 … 60 s.
     */
    private void retryIfAsked() {
        if (!asked || closed) {
            return;
        }
        Duration wait = retryDelay;
        retryDelay = wait.multipliedBy(2).compareTo(LAST_RETRY) > 0 ? LAST_RETRY : wait.multipliedBy(2);
        context.scheduler().schedule(wait, () -> requestBootstrap("the last bootstrap failed; trying again"));
    }

    @Override
    public int perNodeStateCount() {
        return current == null ? 0 : 1;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        endIkeSa("closed");
        closed = true;
        removeInstalled("closed");
        KernelSupport k = kernel;
        if (k != null) {
            k.close();
        }
        Optional<Charon> charon = session.current();
        charon.ifPresent(c -> c.unloadConn(CONNECTION).handle((x, f) -> null)
                .thenCompose(x -> c.unloadShared("mip6kit-mn-psk")).handle((x, f) -> null)
                .thenRun(session::close));
        if (charon.isEmpty()) {
            session.close();
        }
    }
}
