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
 */
final class IpsecMobileNode implements MobileNodeSecurity, CharonSession.Listener {

    static final String CONNECTION = "mip6kit-mn";
    static final String CHILD = "mip6kit-hoa";
    private static final Duration TERMINATE_TIMEOUT = Duration.ofSeconds(3);

    private final ProviderContext context;
    private final MobileNodeConfig config;
    private final CharonSession session;
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
                               Ipv6Address homeAgentAddress) {}

    private record Waiter(Ipv6Address to, CompletableFuture<Void> done) {}

    IpsecMobileNode(ProviderContext context, MobileNodeConfig config, ViciConnector connector) {
        this.context = context;
        this.config = config;
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
        if (config.ike().mode() == IpsecMode.KERNEL) {
            return CompletableFuture.failedFuture(KernelSupport.unsupported());
        }
        Ipv6Address homeAgent = want.configuredHomeAgent().get();
        current = null;
        return session.connect()
                .thenCompose(charon -> load(charon, want).thenApply(x -> charon))
                .thenCompose(charon -> endOldSas(charon).thenApply(x -> charon))
                .thenCompose(charon -> charon.initiate(CHILD, CONNECTION, config.initiateTimeout())
                        .thenCompose(x -> charon.listSas(Optional.of(CONNECTION))))
                .handle((sas, failure) -> {
                    if (failure != null) {
                        retryIfAsked();
                        throw new CompletionException(new SecurityProviderException("IKEv2 with the home agent "
                                + config.ikePeers() + " failed: " + reason(failure)));
                    }
                    asked = false;
                    retryDelay = FIRST_RETRY;
                    return established(sas, homeAgent);
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
                .section("children", ViciMessage.builder().section(CHILD, ViciMessage.builder()
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

    private BootstrapResult established(List<IkeSa> sas, Ipv6Address homeAgent) {
        for (IkeSa sa : sas) {
            Optional<Ipv6Address> hoa = CharonAddresses.firstIpv6(sa.localVips());
            if (sa.established() && hoa.isPresent()) {
                Identity self = new Identity(Identity.Kind.IKE_ID, sa.localId());
                Identity ha = new Identity(Identity.Kind.IKE_ID, sa.remoteId());
                current = new Established(sa.uniqueId(), self, ha, hoa.get(), homeAgent);
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
        Optional<Charon> charon = session.current();
        charon.ifPresent(c -> c.unloadConn(CONNECTION).handle((x, f) -> null)
                .thenCompose(x -> c.unloadShared("mip6kit-mn-psk")).handle((x, f) -> null)
                .thenRun(session::close));
        if (charon.isEmpty()) {
            session.close();
        }
    }
}
