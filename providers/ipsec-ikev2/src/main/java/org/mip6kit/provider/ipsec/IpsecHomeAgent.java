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
import org.mip6kit.provider.ipsec.kernel.MobilityPolicy;
import org.mip6kit.provider.ipsec.kernel.MobilityPolicySet;
import org.mip6kit.provider.ipsec.xfrm.XfrmException;
import org.mip6kit.provider.ipsec.xfrm.XfrmUserPolicyInfo;
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
 *
 * <p><b>Mode kernel</b> (RFC 4877 §4, draft §6.6): the path's start probes the kernel
 * ({@link KernelSupport}); the responder child is transport (proxy) mode with
 * {@code policies = no}. When a node's transport-mode CHILD SA is installed ({@code child-updown},
 * or {@code list-sas} after a restart) the provider arms the signalling policies of its home
 * address (BU in, BA and BE out, with that CHILD SA's reqid) before any Binding Update for it is
 * accepted, so that the kernel drops even a first Binding Update that did not pass the SA. A
 * Binding Update is then judged by its Home Address option: leased to an established IKE SA, and
 * the SPD holds its inbound BU policy (read back through XFRM); one that comes before the
 * policies are armed waits for them. {@link #beforeAck} of a new binding adds the payload tunnel
 * (when configured); a K move migrates it with KMADDRESS; {@link #abandoned} undoes exactly what
 * the change did; a binding that ends takes its payload tunnel along, and the signalling policies
 * go with the CHILD SA.
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
    private final KernelAccess access;
    /** Mode kernel: open once the path started. */
    private volatile KernelSupport kernel;
    /** Mode kernel: home address → the policy set in the SPD for its binding. */
    private final Map<Ipv6Address, MobilityPolicySet> installed = new ConcurrentHashMap<>();
    /** Mode kernel: home address → what the CHILD SA check found (the reqids the set needs). */
    private final Map<Ipv6Address, SaEvidence> evidence = new ConcurrentHashMap<>();
    /** Mode kernel: how to undo what {@link #beforeAck} did for a change, until it is committed or abandoned. */
    private final Map<BindingChange, Runnable> prepared = new ConcurrentHashMap<>();
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

    /**
     * Mode kernel: the transport-mode CHILD SA that vouches for a home address.
     *
     * @param homeAgent the home agent address the BU was sent to (inside the SA's selectors)
     * @param reqid the signalling CHILD SA's reqid
     * @param payloadReqid the tunnel-mode CHILD SA's reqid, 0 if there is none
     * @param ikeLocal this end's IKE address (KMADDRESS local)
     */
    record SaEvidence(Ipv6Address homeAgent, int reqid, int payloadReqid, Optional<Ipv6Address> ikeLocal) {}

    IpsecHomeAgent(ProviderContext context, HomeAgentConfig config, ViciConnector connector, KernelAccess access) {
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
    public void attach(HomeAgentHandle engine) {
        this.engine = engine;
    }

    @Override
    public SignallingPath path(TransportFactory engineTransports) {
        return new TunnelPath(context) {
            @Override
            void beforeStart() {
                if (kernelMode() && kernel == null) {
                    kernel = KernelSupport.start(access);
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
                if (kernelMode()) {
                    return sendAsAddressed(message, to);
                }
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

    private boolean kernelMode() {
        return config.ike().mode() == IpsecMode.KERNEL;
    }

    private CompletionStage<Verdict> judge(Inbound in, MobilityMessage decoded) {
        if (kernelMode()) {
            return judgeKernel(in, decoded);
        }
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
        return awaitLease(source);
    }

    /** A verdict that waits up to {@code verify-wait} for an IKE SA to lease {@code source}. */
    private CompletionStage<Verdict> awaitLease(Ipv6Address source) {
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
        // A lease (in mode kernel: armed policies) may have arrived between the look-up and the registration.
        Lease late = leases.get(source);
        if (late != null && (!kernelMode() || installed.containsKey(source))) {
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

    /**
     * Mode kernel's verdict: see the class comment. The home address is the Home Address
     * option's (the source when the node is at home).
     */
    private CompletionStage<Verdict> judgeKernel(Inbound in, MobilityMessage decoded) {
        if (!(decoded instanceof BindingUpdate)) {
            return CompletableFuture.completedFuture(Verdict.drop("a home agent accepts only Binding Updates"));
        }
        Optional<String> iface = in.observed().ingressInterface();
        if (!config.ike().tunnelInterface().matches(iface)) {
            outsideTunnel.incrementAndGet();
            return CompletableFuture.completedFuture(Verdict.drop("arrived on " + iface.orElse("an unknown interface")
                    + ", not " + config.ike().tunnelInterface()));
        }
        Addressing a = in.addressing();
        Ipv6Address hoa = a.homeAddressOption().orElse(a.source());
        Ipv6Address ha = a.destination();
        if (a.routingHeader().isPresent()) {
            return CompletableFuture.completedFuture(Verdict.drop("a Binding Update with a type 2 routing header"));
        }
        Lease lease = leases.get(hoa);
        if (lease != null && installed.containsKey(hoa)) {
            return kernelEvidence(hoa, ha, lease);
        }
        return awaitLease(hoa).thenCompose(v -> {
            Lease late = leases.get(hoa);
            return v instanceof Verdict.Accept && late != null ? kernelEvidence(hoa, ha, late)
                    : CompletableFuture.completedFuture(v);
        });
    }

    /**
     * The SPD's inbound Binding Update policy for {@code hoa}: installed when the CHILD SA came up
     * ({@link #arm}), before any Binding Update is accepted, it makes the kernel drop a Binding
     * Update for {@code hoa} that did not come through that SA's ESP (RFC 4877 §4.2), so one that
     * reaches the socket did. Read back from the kernel, not from memory: a policy someone removed
     * protects nothing.
     */
    private CompletionStage<Verdict> kernelEvidence(Ipv6Address hoa, Ipv6Address ha, Lease lease) {
        MobilityPolicySet set = installed.get(hoa);
        KernelSupport k = kernel;
        if (set == null || k == null) {
            return CompletableFuture.completedFuture(Verdict.drop("no inbound Binding Update policy for " + hoa
                    + " is installed yet (its CHILD SA is not up)"));
        }
        if (!set.homeAgent().equals(KernelSupport.inet(ha))) {
            return CompletableFuture.completedFuture(Verdict.drop("the policies of " + hoa + " protect signalling "
                    + "to home agent address " + set.homeAgent().getHostAddress() + ", not " + ha));
        }
        MobilityPolicy buIn = set.policy(MobilityPolicy.Purpose.BINDING_UPDATE, XfrmUserPolicyInfo.DIR_IN)
                .orElseThrow();
        try {
            k.channel().getPolicy(buIn.id(), buIn.policyType(), KernelSupport.XFRM_TIMEOUT);
            return CompletableFuture.completedFuture(Verdict.accept(lease.owner(),
                    new TunnelPath.ThroughTunnel(hoa)));
        } catch (XfrmException e) {
            return CompletableFuture.completedFuture(Verdict.drop("the SPD has no inbound Binding Update policy "
                    + "for " + hoa + " (" + e.getMessage() + "), so nothing made the kernel require ESP"));
        }
    }

    /**
     * Mode kernel: installs the signalling policies (BU in, BA and BE out, with ESP transport
     * templates bound to the CHILD SA's reqid) for each home address {@code sa} holds, as soon as its
     * transport-mode CHILD SA is installed — before any Binding Update for it is accepted, so the
     * first one already had to pass ESP. The home agent's address is the CHILD SA's local traffic
     * selector (the node asks for {@code remote_ts = <home agent>/128}).
     */
    private void arm(IkeSa sa) {
        KernelSupport k = kernel;
        if (k == null || !sa.established()) {
            return;
        }
        for (Map.Entry<Ipv6Address, Lease> e : List.copyOf(leases.entrySet())) {
            Ipv6Address hoa = e.getKey();
            Lease lease = e.getValue();
            if (!lease.ikeUniqueId().equals(sa.uniqueId())) {
                continue;
            }
            int payloadNow = sa.children().stream().filter(c -> c.installed() && "TUNNEL".equals(c.mode())
                    && covers(c.remoteTs(), hoa)).map(c -> reqid(c.reqid())).findFirst().orElse(0);
            if (installed.containsKey(hoa)) {
                // A later CHILD SA (the payload tunnel's; child-updown names only the one that came up).
                if (payloadNow != 0) {
                    evidence.computeIfPresent(hoa, (key, ev) -> new SaEvidence(ev.homeAgent(), ev.reqid(), payloadNow,
                            ev.ikeLocal()));
                }
                continue;
            }
            Optional<IkeSa.ChildSa> signalling = sa.children().stream()
                    .filter(c -> c.installed() && "TRANSPORT".equals(c.mode()) && covers(c.remoteTs(), hoa))
                    .findFirst();
            Optional<Ipv6Address> ha = signalling.flatMap(c -> singleAddress(c.localTs()));
            if (ha.isEmpty()) {
                continue;   // its CHILD SA is not up yet: child-updown will come
            }
            SaEvidence ev = new SaEvidence(ha.get(), reqid(signalling.get().reqid()), payloadNow,
                    CharonAddresses.parse(sa.localHost()));
            MobilityPolicySet set = policySet(hoa, ev, Optional.empty());
            try {
                k.installer().install(set);
            } catch (XfrmException x) {
                context.events().emit(new ProviderEvent("policies-refused", Optional.of(lease.owner()),
                        Optional.of(hoa), "the kernel refused the signalling policies of " + hoa + ": "
                                + x.getMessage() + "; its Binding Updates will be dropped"));
                continue;
            }
            evidence.put(hoa, ev);
            installed.put(hoa, set);
            context.events().emit(new ProviderEvent("policies-installed", Optional.of(lease.owner()),
                    Optional.of(hoa), set.describe()));
            List<CompletableFuture<Verdict>> w = waiting.get(hoa);
            if (w != null) {
                for (CompletableFuture<Verdict> v : w) {
                    v.complete(Verdict.accept(lease.owner(), new TunnelPath.ThroughTunnel(hoa)));
                }
            }
        }
    }

    /** The address of a selector list that names exactly one IPv6 address ({@code a/128}). */
    private static Optional<Ipv6Address> singleAddress(List<String> selectors) {
        if (selectors.size() != 1) {
            return Optional.empty();
        }
        String t = selectors.get(0);
        String bare = t.contains("[") ? t.substring(0, t.indexOf('[')) : t;
        if (bare.contains("/") && !bare.endsWith("/128")) {
            return Optional.empty();
        }
        return CharonAddresses.parse(bare).filter(a -> !a.isIpv4Mapped());
    }

    private static int reqid(String text) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Whether one of charon's traffic selectors ({@code 2001:db8::1/128}, maybe with {@code [proto/port]}) covers {@code a}. */
    static boolean covers(List<String> selectors, Ipv6Address a) {
        for (String t : selectors) {
            String bare = t.contains("[") ? t.substring(0, t.indexOf('[')) : t;
            int slash = bare.indexOf('/');
            try {
                Ipv6Address net = Ipv6Address.parse(slash < 0 ? bare.trim() : bare.substring(0, slash).trim());
                int length = slash < 0 ? 128 : Integer.parseInt(bare.substring(slash + 1).trim());
                if (length >= 0 && length <= 128 && a.hasPrefix(net.maskedTo(length), length)) {
                    return true;
                }
            } catch (IllegalArgumentException e) {
                // an IPv4 or malformed selector covers no IPv6 address
            }
        }
        return false;
    }

    // ------------------------------------------------------------------ binding lifecycle

    @Override
    public CompletionStage<Void> beforeAck(BindingChange change) {
        Lease l = leases.get(change.homeAddress());
        if (l == null || !l.owner().equals(change.identity())) {
            return CompletableFuture.failedFuture(new SecurityProviderException("the IKE SA that leased "
                    + change.homeAddress() + " to " + change.identity() + " is gone"));
        }
        if (!kernelMode()) {
            return CompletableFuture.completedFuture(null);
        }
        try {
            prepareKernel(change);
            return CompletableFuture.completedFuture(null);
        } catch (SecurityProviderException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Mode kernel: the policies of a new binding, a K move of the payload tunnel (draft §6.6). */
    private void prepareKernel(BindingChange change) {
        Ipv6Address hoa = change.homeAddress();
        MobilityPolicySet now = installed.get(hoa);
        KernelSupport k = kernel;
        if (k == null) {
            throw new SecurityProviderException("mode kernel has no XFRM channel (the path has not started)");
        }
        if (now == null) {
            throw new SecurityProviderException("no signalling policies are installed for " + hoa
                    + " (its CHILD SA is not up)");
        }
        if (change.kind() == BindingChange.Kind.CREATED) {
            SaEvidence ev = evidence.get(hoa);
            MobilityPolicySet full = ev == null ? now : policySet(hoa, ev, Optional.of(change.careOf()));
            if (full.tunnelPolicies().isEmpty()) {
                return;   // no payload tunnel: the signalling policies armed with the CHILD SA are all it needs
            }
            installTunnelPolicies(k, full);
            installed.put(hoa, full);
            prepared.put(change, () -> dropPayload(hoa, full, now, "abandoned"));
            context.events().emit(new ProviderEvent("policies-installed", Optional.of(change.identity()),
                    Optional.of(hoa), full.describe()));
            return;
        }
        Optional<java.net.InetAddress> oldCareOf = now.careOf();
        Ipv6Address to = change.careOf();
        if (change.kind() != BindingChange.Kind.MOVED || oldCareOf.isEmpty() || to.isIpv4Mapped()
                || to.equals(hoa) || KernelSupport.inet(to).equals(now.homeAgent())
                || oldCareOf.get().equals(KernelSupport.inet(to))) {
            return;
        }
        Ipv6Address ha = Ipv6Address.fromBytes(now.homeAgent().getAddress());
        SaEvidence ev = evidence.get(hoa);
        Ipv6Address ikeLocal = ev == null ? ha : ev.ikeLocal().filter(a -> !a.isIpv4Mapped()).orElse(ha);
        MobilityPolicySet moved;
        try {
            moved = k.installer().migrate(now, KernelSupport.inet(to),
                    change.keyManagementMobility() ? KernelSupport.kmaddress(ikeLocal, to) : null);
        } catch (XfrmException e) {
            throw KernelSupport.failure("MIGRATE of the payload tunnel of " + hoa + " to " + to + " failed", e);
        }
        installed.put(hoa, moved);
        java.net.InetAddress back = oldCareOf.get();
        prepared.put(change, () -> {
            try {
                k.installer().migrate(moved, back, change.keyManagementMobility()
                        ? KernelSupport.kmaddress(ikeLocal, Ipv6Address.fromBytes(back.getAddress())) : null);
                installed.replace(hoa, moved, now);
            } catch (XfrmException | RuntimeException e) {
                context.events().emit(new ProviderEvent("policies-not-restored", Optional.of(change.identity()),
                        Optional.of(hoa), "moving the payload tunnel back to " + back.getHostAddress() + " failed: "
                                + e.getMessage()));
            }
        });
        context.events().emit(new ProviderEvent("k-move", Optional.of(change.identity()), Optional.of(hoa),
                "payload tunnel migrated to " + to + (change.keyManagementMobility() ? " with KMADDRESS (" + ikeLocal
                        + ", " + to + ")" : " (K not set: no KMADDRESS)")));
    }

    /**
     * Adds {@code full}'s payload tunnel policies only (the signalling ones are in the SPD already and
     * must survive a refusal); on a refusal removes those this call added, then fails.
     */
    private void installTunnelPolicies(KernelSupport k, MobilityPolicySet full) {
        List<MobilityPolicy> added = new ArrayList<>();
        for (MobilityPolicy p : full.tunnelPolicies()) {
            try {
                k.channel().addPolicy(p.info(), p.templates(), p.policyType(), true, KernelSupport.XFRM_TIMEOUT);
                added.add(p);
            } catch (XfrmException e) {
                for (MobilityPolicy undo : added) {
                    try {
                        k.channel().deletePolicy(undo.id(), undo.policyType(), KernelSupport.XFRM_TIMEOUT);
                    } catch (XfrmException ignored) {
                        // reported below with the refusal
                    }
                }
                throw KernelSupport.failure("the kernel refused the payload tunnel policy " + p.describe(), e);
            }
        }
    }

    /** The home agent's set for {@code hoa}: signalling only, or with the payload tunnel to {@code careOf}. */
    private MobilityPolicySet policySet(Ipv6Address hoa, SaEvidence ev, Optional<Ipv6Address> careOf) {
        MobilityPolicySet.Builder b = MobilityPolicySet.builder(MobilityPolicySet.Role.HOME_AGENT,
                KernelSupport.inet(hoa), KernelSupport.inet(ev.homeAgent())).signallingReqid(ev.reqid());
        if (careOf.isPresent() && config.payloadTunnel() && ev.payloadReqid() != 0 && !careOf.get().isIpv4Mapped()
                && !careOf.get().equals(hoa) && !careOf.get().equals(ev.homeAgent())) {
            b.payload(KernelSupport.inet(careOf.get()), ev.payloadReqid());
        }
        return b.build();
    }

    /**
     * Removes {@code full}'s payload tunnel policies and keeps the signalling ones ({@code signalling}),
     * which live as long as the CHILD SA.
     */
    private void dropPayload(Ipv6Address hoa, MobilityPolicySet full, MobilityPolicySet signalling, String why) {
        KernelSupport k = kernel;
        if (k == null || !installed.replace(hoa, full, signalling)) {
            return;
        }
        int removed = 0;
        for (MobilityPolicy p : full.tunnelPolicies()) {
            try {
                k.channel().deletePolicy(p.id(), p.policyType(), KernelSupport.XFRM_TIMEOUT);
                removed++;
            } catch (XfrmException e) {
                context.events().emit(new ProviderEvent("policies-not-removed", Optional.empty(), Optional.of(hoa),
                        why + ": " + p.describe() + ": " + e.getMessage()));
            }
        }
        context.events().emit(new ProviderEvent("policies-removed", Optional.empty(), Optional.of(hoa),
                why + ": " + removed + " payload tunnel policies removed; the signalling policies stay with the "
                        + "CHILD SA"));
    }

    private void removeQuietly(MobilityPolicySet set, String why) {
        KernelSupport k = kernel;
        if (k == null) {
            return;
        }
        String outcome;
        try {
            outcome = k.installer().remove(set).size() + " policies removed";
        } catch (XfrmException e) {
            outcome = "removal failed: " + e.getMessage();
        }
        context.events().emit(new ProviderEvent("policies-removed", Optional.empty(),
                Optional.of(Ipv6Address.fromBytes(set.homeAddress().getAddress())), why + ": " + outcome));
    }

    /** Mode kernel: removes the set of {@code homeAddress}, if any. */
    private void removeSet(Ipv6Address homeAddress, String why) {
        MobilityPolicySet set = installed.remove(homeAddress);
        if (set != null) {
            removeQuietly(set, why);
        }
    }

    @Override
    public void abandoned(BindingChange change, String reason) {
        Runnable undo = prepared.remove(change);
        if (undo != null) {
            undo.run();
        }
    }

    @Override
    public void afterChange(BindingChange change) {
        prepared.remove(change);
        if (change.kind().keepsBinding()) {
            bound.add(change.homeAddress());
            return;
        }
        bound.remove(change.homeAddress());
        if (kernelMode()) {
            // The acknowledgement has left (through the BA-out policy): the payload tunnel goes; the signalling
            // policies stay with the CHILD SA (removed when it goes).
            MobilityPolicySet now = installed.get(change.homeAddress());
            SaEvidence ev = evidence.get(change.homeAddress());
            if (now != null && ev != null && !now.tunnelPolicies().isEmpty()) {
                dropPayload(change.homeAddress(), now, policySet(change.homeAddress(), ev, Optional.empty()),
                        "binding " + change.kind().name().toLowerCase());
            }
        }
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
                    if (kernelMode()) {
                        arm(sa);
                    }
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
        ViciMessage.Builder children = ViciMessage.builder().section(CHILD, ViciMessage.builder()
                .list("local_ts", config.homePrefix().toString())
                .list("remote_ts", "dynamic")
                .add("mode", "tunnel")
                .list("esp_proposals", config.ike().espProposals().toArray(String[]::new))
                .build());
        if (kernelMode()) {
            children = ViciMessage.builder().section(CHILD, ViciMessage.builder()
                    .list("local_ts", config.homePrefix().toString())
                    .list("remote_ts", "dynamic")
                    .add("mode", IpsecMobileNode.KERNEL_CHILD_MODE)
                    .add("policies", "no")
                    .list("esp_proposals", config.ike().espProposals().toArray(String[]::new))
                    .build());
            if (config.payloadTunnel()) {
                children.section(IpsecMobileNode.PAYLOAD_CHILD, ViciMessage.builder()
                        .list("local_ts", "::/0")
                        .list("remote_ts", "dynamic")
                        .add("mode", "tunnel")
                        .add("policies", "no")
                        .list("esp_proposals", config.ike().espProposals().toArray(String[]::new))
                        .build());
            }
        }
        ViciMessage.Builder conn = ViciMessage.builder()
                .add("version", "2")
                .list("remote_addrs", "%any")
                .list("pools", POOL)
                .add("mobike", "yes")
                .list("proposals", config.ike().proposals().toArray(String[]::new))
                .section("local", ViciMessage.builder().add("auth", "psk").add("id", config.ike().identity()).build())
                .section("remote", ViciMessage.builder().add("auth", "psk").add("id", "%any").build())
                .section("children", children.build());
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
        if (kernelMode() && event instanceof CharonEvent.ChildUpDown cd && cd.sa().name().equals(CONNECTION)) {
            if (cd.up()) {
                up(cd.sa());
                arm(cd.sa());
            } else {
                for (Map.Entry<Ipv6Address, Lease> e : List.copyOf(leases.entrySet())) {
                    if (e.getValue().ikeUniqueId().equals(cd.sa().uniqueId())) {
                        removeSet(e.getKey(), "its CHILD SA went down");
                        evidence.remove(e.getKey());
                    }
                }
            }
        }
        if (event instanceof CharonEvent.IkeUpDown ud && ud.sa().name().equals(CONNECTION)) {
            if (ud.up()) {
                up(ud.sa());
                if (kernelMode()) {
                    arm(ud.sa());
                }
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
            List<CompletableFuture<Verdict>> w = kernelMode() ? null : waiting.get(a.get());
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
            if (kernelMode()) {
                removeSet(homeAddress, "its IKE SA went down");
                evidence.remove(homeAddress);
            }
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
        for (Ipv6Address hoa : List.copyOf(installed.keySet())) {
            removeSet(hoa, "home agent closed");
        }
        KernelSupport k = kernel;
        if (k != null) {
            k.close();
        }
        Optional<Charon> charon = session.current();
        if (charon.isPresent()) {
            charon.get().unloadConn(CONNECTION).handle((x, f) -> null).thenRun(session::close);
        } else {
            session.close();
        }
    }
}
