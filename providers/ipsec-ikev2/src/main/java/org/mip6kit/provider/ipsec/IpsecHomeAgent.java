package org.mip6kit.provider.ipsec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.mip6kit.provider.ipsec.charon.Charon;
import org.mip6kit.provider.ipsec.charon.CharonEvent;
import org.mip6kit.provider.ipsec.charon.CharonSession;
import org.mip6kit.provider.ipsec.charon.IkeSa;
import org.mip6kit.provider.ipsec.charon.ViciConnector;
import org.mip6kit.provider.ipsec.vici.ViciMessage;
import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.BindingChange;
import org.mip6kit.spi.Capability;
import org.mip6kit.spi.HomeAddressException;
import org.mip6kit.spi.HomeAgentHandle;
import org.mip6kit.spi.HomeAgentSecurity;
import org.mip6kit.spi.Identity;
import org.mip6kit.spi.Inbound;
import org.mip6kit.spi.ProviderContext;
import org.mip6kit.spi.ProviderEvent;
import org.mip6kit.spi.ReplyContext;
import org.mip6kit.spi.SecurityProviderException;
import org.mip6kit.spi.SignallingPath;
import org.mip6kit.spi.TransportFactory;
import org.mip6kit.spi.Verdict;
import org.mip6kit.wire.BindingUpdate;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.MobilityMessage;

/**
 * The home agent's side. At start it loads the pool, the nodes' secrets and a responder
 * connection into charon over VICI, and learns who holds which home address from charon
 * ({@code ike-updown} events, {@code list-sas}): identity → home address, claimed in the home
 * address book (draft §6.3) and released when the IKE SA goes down, which also revokes the
 * binding. A Binding Update is accepted only when it arrived through charon's tunnel
 * ({@code tunnel-interface}) from a home address whose IKE SA is up, and then as that SA's
 * identity; one that arrives before the IKE event proving it waits for it, up to
 * {@code verify-wait}. Deregistration and expiry end the IKE SA once the acknowledgement has left.
 */
final class IpsecHomeAgent implements HomeAgentSecurity, CharonSession.Listener {

    static final String CONNECTION = "mip6kit-ha";
    static final String CHILD = "mip6kit-hoa";
    static final String POOL = "mip6kit-hoa";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration TERMINATE_TIMEOUT = Duration.ofSeconds(3);
    /** Binding Updates waiting for their IKE event, over all home addresses. */
    static final int MAX_WAITING = 4096;

    private final ProviderContext context;
    private final HomeAgentConfig config;
    private final CharonSession session;
    /** Home address → the IKE SA that leased it. */
    private final Map<Ipv6Address, Lease> leases = new ConcurrentHashMap<>();
    private final Map<Ipv6Address, List<CompletableFuture<Verdict>>> waiting = new ConcurrentHashMap<>();
    /** Home addresses with a binding now. */
    private final Set<Ipv6Address> bound = ConcurrentHashMap.newKeySet();
    private final AtomicLong waitingCount = new AtomicLong();
    private final AtomicLong outsideTunnel = new AtomicLong();
    private final AtomicLong unleased = new AtomicLong();
    private final AtomicLong deferred = new AtomicLong();
    private volatile HomeAgentHandle engine;
    private volatile boolean closed;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();

    /** One lease: which identity's IKE SA holds a home address. */
    record Lease(Identity owner, String ikeUniqueId, String remoteHost) {}

    IpsecHomeAgent(ProviderContext context, HomeAgentConfig config, ViciConnector connector) {
        this.context = context;
        this.config = config;
        this.session = new CharonSession(connector, config.ike().viciSocket(), context.scheduler(), this);
    }

    @Override
    public Set<Capability> capabilities() {
        return config.ike().mode().capabilities();
    }

    @Override
    public void attach(HomeAgentHandle engine) {
        this.engine = engine;
    }

    @Override
    public SignallingPath path(TransportFactory engineTransports) {
        return new TunnelPath(context) {
            @Override
            void beforeStart() {
                if (config.ike().mode() == IpsecMode.KERNEL) {
                    throw KernelSupport.unsupported();
                }
                CompletionStage<Void> started = session.connect().thenCompose(c -> ready);
                if (context.scheduler().callerMayWait()) {
                    try {
                        started.toCompletableFuture().get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                    } catch (java.util.concurrent.ExecutionException e) {
                        throw new SecurityProviderException("ipsec-ikev2 cannot start: " + e.getCause().getMessage(),
                                e.getCause());
                    } catch (java.util.concurrent.TimeoutException e) {
                        throw new SecurityProviderException("ipsec-ikev2 cannot start: charon at "
                                + config.ike().viciSocket() + " did not answer within " + START_TIMEOUT);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new SecurityProviderException("interrupted while connecting to charon");
                    }
                }
            }

            @Override
            public CompletionStage<Verdict> verify(Inbound in, MobilityMessage decoded) {
                return judge(in, decoded);
            }

            @Override
            public CompletionStage<Void> send(MobilityMessage message, Addressing to, Optional<ReplyContext> reply) {
                Ipv6Address homeAddress = to.routingHeader().orElse(to.destination());
                return sendThroughTunnel(message, to.source(), homeAddress);
            }

            @Override
            void afterClose() {
                IpsecHomeAgent.this.close();
            }
        };
    }

    // ------------------------------------------------------------------ verification

    private CompletionStage<Verdict> judge(Inbound in, MobilityMessage decoded) {
        if (!(decoded instanceof BindingUpdate)) {
            return CompletableFuture.completedFuture(Verdict.drop("a home agent accepts only Binding Updates"));
        }
        Optional<String> iface = in.observed().ingressInterface();
        if (!config.ike().tunnelInterface().matches(iface)) {
            outsideTunnel.incrementAndGet();
            return CompletableFuture.completedFuture(Verdict.drop("arrived on " + iface.orElse("an unknown interface")
                    + ", not through charon's tunnel (" + config.ike().tunnelInterface() + "; RFC 3776 §5)"));
        }
        Addressing a = in.addressing();
        Ipv6Address source = a.source();
        if (a.homeAddressOption().filter(h -> !h.equals(source)).isPresent()) {
            return CompletableFuture.completedFuture(Verdict.drop("a Home Address option inside the tunnel names "
                    + a.homeAddressOption().get() + ", but the packet came from " + source));
        }
        Lease lease = leases.get(source);
        if (lease != null) {
            return CompletableFuture.completedFuture(Verdict.accept(lease.owner(),
                    new TunnelPath.ThroughTunnel(source)));
        }
        if (waitingCount.incrementAndGet() > MAX_WAITING) {
            waitingCount.decrementAndGet();
            unleased.incrementAndGet();
            return CompletableFuture.completedFuture(Verdict.drop("no IKE SA holds " + source
                    + " (and too many Binding Updates already wait for one)"));
        }
        deferred.incrementAndGet();
        CompletableFuture<Verdict> v = new CompletableFuture<>();
        waiting.computeIfAbsent(source, k -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(v);
        context.scheduler().schedule(config.verifyWait(), () -> {
            if (v.complete(Verdict.drop("no IKE SA holds " + source + " (waited " + config.verifyWait()
                    + " for charon's ike-updown)"))) {
                unleased.incrementAndGet();
            }
        });
        // A lease may have arrived between the look-up and the registration.
        Lease late = leases.get(source);
        if (late != null) {
            v.complete(Verdict.accept(late.owner(), new TunnelPath.ThroughTunnel(source)));
        }
        return v.whenComplete((x, f) -> {
            waitingCount.decrementAndGet();
            List<CompletableFuture<Verdict>> l = waiting.get(source);
            if (l != null) {
                l.remove(v);
                if (l.isEmpty()) {
                    waiting.remove(source, l);
                }
            }
        });
    }

    // ------------------------------------------------------------------ binding lifecycle

    @Override
    public CompletionStage<Void> beforeAck(BindingChange change) {
        Lease l = leases.get(change.homeAddress());
        if (l == null || !l.owner().equals(change.identity())) {
            return CompletableFuture.failedFuture(new SecurityProviderException("the IKE SA that leased "
                    + change.homeAddress() + " to " + change.identity() + " is gone"));
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void afterChange(BindingChange change) {
        if (change.kind().keepsBinding()) {
            bound.add(change.homeAddress());
            return;
        }
        bound.remove(change.homeAddress());
        if (change.kind() == BindingChange.Kind.DELETED || change.kind() == BindingChange.Kind.EXPIRED) {
            Lease l = leases.get(change.homeAddress());
            if (l != null && l.owner().equals(change.identity())) {
                // The acknowledgement has been handed to the kernel; the tunnel must still carry it.
                context.scheduler().schedule(config.teardownDelay(), () -> endIfUnbound(change.homeAddress(), l,
                        "binding " + change.kind().name().toLowerCase()));
            }
        }
    }

    /** Ends the IKE SA behind {@code l} unless its home address is bound again. */
    private void endIfUnbound(Ipv6Address homeAddress, Lease l, String why) {
        Optional<Charon> charon = session.current();
        if (bound.contains(homeAddress) || !l.equals(leases.get(homeAddress)) || charon.isEmpty()) {
            return;
        }
        charon.get().terminateIkeSa(l.ikeUniqueId(), TERMINATE_TIMEOUT).whenComplete((x, f) -> context.events()
                .emit(new ProviderEvent("ike-sa-terminated", Optional.of(l.owner()), Optional.of(homeAddress),
                        why + ": IKE SA " + l.ikeUniqueId() + " ended" + (f == null ? ""
                                : " (charon: " + f.getMessage() + ")"))));
    }

    // ------------------------------------------------------------------ charon (on the scheduler)

    @Override
    public void connected(Charon charon, boolean again) {
        load(charon).thenCompose(x -> charon.listSas(Optional.of(CONNECTION))).whenComplete((sas, failure) -> {
            if (failure != null) {
                Throwable c = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause()
                        : failure;
                ready.completeExceptionally(new SecurityProviderException("charon at " + config.ike().viciSocket()
                        + " refused the home agent's configuration: " + c.getMessage(), c));
                context.events().emit(new ProviderEvent("charon-config-refused", Optional.empty(), Optional.empty(),
                        c.getMessage()));
                return;
            }
            Set<Ipv6Address> alive = new HashSet<>();
            for (IkeSa sa : sas) {
                if (sa.established()) {
                    alive.addAll(up(sa));
                }
            }
            if (again) {
                for (Map.Entry<Ipv6Address, Lease> e : List.copyOf(leases.entrySet())) {
                    if (!alive.contains(e.getKey())) {
                        down(e.getKey(), e.getValue(), "charon restarted and no longer holds its IKE SA");
                    }
                }
            }
            ready.complete(null);
            context.events().emit(new ProviderEvent("charon-ready", Optional.empty(), Optional.empty(),
                    (again ? "reconnected to" : "connected to") + " charon at " + config.ike().viciSocket() + "; "
                            + config.psks().size() + " identities, pool " + config.pool() + ", " + alive.size()
                            + " IKE SAs up"));
        });
    }

    private CompletionStage<Void> load(Charon charon) {
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (Map.Entry<String, byte[]> e : config.psks().entrySet()) {
            chain = chain.thenCompose(x -> charon.loadSharedPsk("mip6kit-" + e.getKey(), e.getValue(),
                    List.of(e.getKey())));
        }
        ViciMessage.Builder conn = ViciMessage.builder()
                .add("version", "2")
                .list("remote_addrs", "%any")
                .list("pools", POOL)
                .add("mobike", "yes")
                .list("proposals", config.ike().proposals().toArray(String[]::new))
                .section("local", ViciMessage.builder().add("auth", "psk").add("id", config.ike().identity()).build())
                .section("remote", ViciMessage.builder().add("auth", "psk").add("id", "%any").build())
                .section("children", ViciMessage.builder().section(CHILD, ViciMessage.builder()
                        .list("local_ts", config.homePrefix().toString())
                        .list("remote_ts", "dynamic")
                        .add("mode", "tunnel")
                        .list("esp_proposals", config.ike().espProposals().toArray(String[]::new))
                        .build()).build());
        if (!config.ikeListen().isEmpty()) {
            conn.list("local_addrs", config.ikeListen().toArray(String[]::new));
        }
        return chain.thenCompose(x -> charon.loadPool(POOL, config.pool()))
                .thenCompose(x -> charon.loadConn(CONNECTION, conn.build()));
    }

    @Override
    public void lost(String reason) {
        context.events().emit(new ProviderEvent("vici-lost", Optional.empty(), Optional.empty(),
                "lost charon's VICI socket " + config.ike().viciSocket() + " (" + reason + "); reconnecting"));
    }

    @Override
    public void event(CharonEvent event) {
        if (event instanceof CharonEvent.IkeUpDown ud && ud.sa().name().equals(CONNECTION)) {
            if (ud.up()) {
                up(ud.sa());
            } else {
                for (Map.Entry<Ipv6Address, Lease> e : List.copyOf(leases.entrySet())) {
                    if (e.getValue().ikeUniqueId().equals(ud.sa().uniqueId())) {
                        down(e.getKey(), e.getValue(), "its IKE SA went down");
                    }
                }
            }
        }
    }

    /** Records the home addresses an established SA holds; returns them. */
    private List<Ipv6Address> up(IkeSa sa) {
        List<Ipv6Address> held = new ArrayList<>();
        Identity owner;
        try {
            owner = new Identity(Identity.Kind.IKE_ID, sa.remoteId());
        } catch (IllegalArgumentException e) {
            return held;
        }
        for (String vip : sa.remoteVips()) {
            Optional<Ipv6Address> a = CharonAddresses.parse(vip).filter(x -> !x.isIpv4Mapped());
            if (a.isEmpty() || !config.inHomePrefix(a.get())) {
                continue;
            }
            try {
                context.homeAddresses().adopt(owner, a.get());
            } catch (HomeAddressException e) {
                context.events().emit(new ProviderEvent("lease-refused", Optional.of(owner), a,
                        "charon leased " + a.get() + " to " + owner + ", but the home address book refuses it: "
                                + e.getMessage()));
                continue;
            }
            Lease l = new Lease(owner, sa.uniqueId(), sa.remoteHost());
            Lease before = leases.put(a.get(), l);
            held.add(a.get());
            if (before == null || !before.equals(l)) {
                Ipv6Address hoa = a.get();
                context.scheduler().schedule(config.registrationWait(), () -> endIfUnbound(hoa, l,
                        "no binding within registration-wait " + config.registrationWait()));
                context.events().emit(new ProviderEvent("lease", Optional.of(owner), a, "IKE SA " + sa.uniqueId()
                        + " from " + sa.remoteHost() + " holds " + a.get()));
            }
            List<CompletableFuture<Verdict>> w = waiting.get(a.get());
            if (w != null) {
                for (CompletableFuture<Verdict> v : w) {
                    v.complete(Verdict.accept(owner, new TunnelPath.ThroughTunnel(a.get())));
                }
            }
        }
        return held;
    }

    private void down(Ipv6Address homeAddress, Lease l, String why) {
        if (!leases.remove(homeAddress, l)) {
            return;
        }
        HomeAgentHandle h = engine;
        CompletionStage<Boolean> revoked = h == null ? CompletableFuture.completedFuture(false)
                : h.revoke(homeAddress, l.owner(), "IKE SA " + l.ikeUniqueId() + ": " + why);
        revoked.whenComplete((x, f) -> {
            try {
                context.homeAddresses().release(l.owner(), homeAddress);
            } catch (HomeAddressException ignored) {
                // the book let it go already (its binding ended and the hold passed)
            }
        });
        context.events().emit(new ProviderEvent("lease-ended", Optional.of(l.owner()), Optional.of(homeAddress),
                "IKE SA " + l.ikeUniqueId() + " no longer holds " + homeAddress + ": " + why));
    }

    @Override
    public Map<String, Long> counters() {
        return Map.of("leases", (long) leases.size(), "outside-tunnel", outsideTunnel.get(),
                "unleased-source", unleased.get(), "deferred-verdicts", deferred.get());
    }

    @Override
    public int perNodeStateCount() {
        return leases.size();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Optional<Charon> charon = session.current();
        if (charon.isPresent()) {
            charon.get().unloadConn(CONNECTION).handle((x, f) -> null).thenRun(session::close);
        } else {
            session.close();
        }
    }
}
