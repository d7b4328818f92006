package org.mip6kit.provider.ipsec.sim;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.mip6kit.provider.ipsec.sim.SimulatedConfig.Child;
import org.mip6kit.provider.ipsec.sim.SimulatedConfig.Conn;
import org.mip6kit.provider.ipsec.vici.ViciException;
import org.mip6kit.provider.ipsec.vici.ViciMessage;
import org.mip6kit.provider.ipsec.vici.ViciRefusals;
import org.mip6kit.provider.ipsec.vici.ViciValue;
import org.mip6kit.spi.Cancellable;
import org.mip6kit.transport.InMemoryProviderNetwork.Host;
import org.mip6kit.wire.Ipv6Address;

/**
 * One simulated charon daemon on one host of the world: its loaded connections, secrets and
 * pools, its IKE SAs, its VICI connections. Every method runs under the world's lock.
 */
final class SimulatedCharon {

    /** Events charon 5.9.8 has (registering any other is answered EVENT_UNKNOWN). */
    static final Set<String> EVENTS = Set.of("log", "control-log", "list-sa", "list-policy", "list-conn",
            "list-cert", "list-authority", "ike-updown", "ike-rekey", "ike-update", "child-updown", "child-rekey");
    /** Commands charon 5.9.8 has that the simulation does not (refused loudly, not as CMD_UNKNOWN). */
    private static final Set<String> NOT_SIMULATED = Set.of("stats", "reload-settings", "rekey", "redirect",
            "install", "uninstall", "list-policies", "list-certs", "list-authorities", "get-authorities", "load-cert",
            "load-key", "unload-key", "get-keys", "load-token", "flush-certs", "clear-creds", "load-authority",
            "unload-authority", "get-algorithms", "get-counters", "reset-counters");
    /** The IKE port after the switch MOBIKE makes in IKE_AUTH. */
    private static final int NAT_T_PORT = 4500;
    /** How often a charon with a MOBIKE SA looks at its addresses. */
    static final Duration ADDRESS_POLL = Duration.ofMillis(100);
    /** How long charon retransmits IKE_SA_INIT to a silent peer before giving up (5 retransmits). */
    static final Duration GIVE_UP = Duration.ofSeconds(165);

    private final SimulatedCharons world;
    private final String hostName;
    private final Host host;
    private final List<SimulatedVici> connections = new ArrayList<>();
    private final Map<String, Conn> conns = new LinkedHashMap<>();
    private final List<Secret> secrets = new ArrayList<>();
    private final Map<String, SimulatedPool> pools = new LinkedHashMap<>();
    private final List<Sa> sas = new ArrayList<>();
    private int nextIkeId = 1;
    private int nextChildId = 1;
    private int nextReqid = 1;
    private long nextSpi = 1;
    private int generation;
    private Set<InetAddress> knownEth0;
    private Cancellable poll;

    SimulatedCharon(SimulatedCharons world, String hostName, Host host) {
        this.world = world;
        this.hostName = hostName;
        this.host = host;
    }

    String hostName() {
        return hostName;
    }

    Host host() {
        return host;
    }

    /** A secret of {@code load-shared}; its data never prints. */
    private record Secret(String id, String type, byte[] data, List<String> owners) {
        @Override
        public String toString() {
            return "Secret[" + id + " " + type + " for " + owners + "]";
        }
    }

    /** One IKE SA as this charon sees it. */
    static final class Sa {
        final SimulatedCharon owner;
        final Conn conn;
        final int uniqueId;
        final boolean initiator;
        final String localId;
        final String remoteId;
        final long initiatorSpi;
        final long responderSpi;
        final List<InetAddress> localVips = new ArrayList<>();
        final List<InetAddress> remoteVips = new ArrayList<>();
        final List<ChildSa> children = new ArrayList<>();
        InetAddress localHost;
        InetAddress remoteHost;
        String state = "ESTABLISHED";
        String pool;
        Sa peer;

        Sa(SimulatedCharon owner, Conn conn, int uniqueId, boolean initiator, String localId, String remoteId,
           long initiatorSpi, long responderSpi, InetAddress localHost, InetAddress remoteHost) {
            this.owner = owner;
            this.conn = conn;
            this.uniqueId = uniqueId;
            this.initiator = initiator;
            this.localId = localId;
            this.remoteId = remoteId;
            this.initiatorSpi = initiatorSpi;
            this.responderSpi = responderSpi;
            this.localHost = localHost;
            this.remoteHost = remoteHost;
        }
    }

    /** One CHILD SA. */
    record ChildSa(String name, int uniqueId, int reqid, String mode, List<String> localTs, List<String> remoteTs,
                   long spiIn, long spiOut) {
    }

    // ---------------------------------------------------------------- connections

    SimulatedVici connect() {
        SimulatedVici c = new SimulatedVici(this, world.lock(), world.executor());
        connections.add(c);
        return c;
    }

    void forget(SimulatedVici c) {
        connections.remove(c);
    }

    private void raise(String event, ViciMessage body) {
        for (SimulatedVici c : new ArrayList<>(connections)) {
            c.raiseLocked(event, body);
        }
    }

    /** A restart: connections lost, peers' SAs down, everything forgotten. */
    void restart() {
        for (SimulatedVici c : new ArrayList<>(connections)) {
            c.end(new ViciException("charon closed the VICI connection"));
        }
        for (Sa sa : new ArrayList<>(sas)) {
            if (sa.peer != null) {
                sa.peer.owner.ikeDown(sa.peer);
            }
            for (InetAddress vip : sa.localVips) {
                removeVirtualIp(vip);
            }
        }
        sas.clear();
        conns.clear();
        secrets.clear();
        pools.clear();
        nextIkeId = 1;
        nextChildId = 1;
        nextReqid = 1;
        generation++;
        knownEth0 = null;
        if (poll != null) {
            poll.cancel();
            poll = null;
        }
    }

    // ---------------------------------------------------------------- dispatch

    void handle(SimulatedVici c, SimulatedVici.Exchange x, ViciMessage m) {
        checkAddresses();
        switch (x.kind) {
            case REGISTER -> {
                if (!EVENTS.contains(x.name)) {
                    x.refuse(ViciRefusals.unknownEvent(x.name));
                    return;
                }
                c.listenLocked(x.name, x.consumer);
                x.respond(ViciMessage.EMPTY);
            }
            case UNREGISTER -> {
                if (!EVENTS.contains(x.name)) {
                    x.refuse(ViciRefusals.unknownEvent(x.name));
                    return;
                }
                c.unlistenLocked(x.name, x.consumer);
                x.respond(ViciMessage.EMPTY);
            }
            default -> command(x, m);
        }
    }

    private void command(SimulatedVici.Exchange x, ViciMessage m) {
        switch (x.name) {
            case "version" -> x.respond(ViciMessage.builder().add("daemon", "charon").add("version", "5.9.8")
                    .add("sysname", "Linux").add("release", "simulated").add("machine", "simulated").build());
            case "load-conn" -> x.respond(loadConn(m));
            case "unload-conn" -> x.respond(unloadConn(m));
            case "get-conns" -> x.respond(ViciMessage.builder().list("conns", conns.keySet().toArray(String[]::new))
                    .build());
            case "list-conns" -> listConns(x, m);
            case "load-shared" -> x.respond(loadShared(m));
            case "unload-shared" -> x.respond(unloadShared(m));
            case "get-shared" -> x.respond(ViciMessage.builder().list("keys", secrets.stream().map(Secret::id)
                    .filter(id -> id != null).toArray(String[]::new)).build());
            case "load-pool" -> x.respond(loadPool(m));
            case "unload-pool" -> x.respond(unloadPool(m));
            case "get-pools" -> x.respond(getPools(m));
            case "initiate" -> initiate(x, m);
            case "terminate" -> x.respond(terminate(m));
            case "list-sas" -> listSas(x, m);
            default -> x.refuse(NOT_SIMULATED.contains(x.name)
                    ? new ViciException("the simulated charon does not implement VICI command '" + x.name
                            + "' (real charon 5.9.8 has it): extend org.mip6kit.provider.ipsec.sim.SimulatedCharon")
                    : ViciRefusals.unknownCommand(x.name));
        }
    }

    static ViciMessage reply(String errmsg) {
        ViciMessage.Builder b = ViciMessage.builder().add("success", errmsg == null ? "yes" : "no");
        if (errmsg != null) {
            b.add("errmsg", errmsg);
        }
        return b.build();
    }

    // ---------------------------------------------------------------- configuration

    private ViciMessage loadConn(ViciMessage m) {
        List<Conn> parsed = new ArrayList<>();
        for (ViciMessage.Element e : m.elements()) {
            if (e instanceof ViciMessage.Section s) {
                try {
                    parsed.add(SimulatedConfig.parse(s.name(), s.body()));
                } catch (SimulatedConfig.Refused r) {
                    return reply(r.getMessage());
                }
            }
        }
        for (Conn c : parsed) {
            conns.put(c.name(), c);
            for (Child child : c.children().values()) {
                if (child.starts()) {
                    world.executor().execute(() -> {
                        synchronized (world.lock()) {
                            if (conns.get(c.name()) == c && findSa(c.name(), true).isEmpty()) {
                                establish(c, child.name(), x -> { });
                            }
                        }
                    });
                }
            }
        }
        return reply(null);
    }

    private ViciMessage unloadConn(ViciMessage m) {
        Optional<String> name = m.text("name");
        if (name.isEmpty()) {
            return reply("unload: missing connection name");
        }
        Conn c = conns.remove(name.get());
        if (c == null) {
            return reply("unload: connection '" + name.get() + "' not found");
        }
        if (c.children().values().stream().anyMatch(Child::starts)) {
            for (Sa sa : new ArrayList<>(sas)) {
                if (sa.conn == c) {
                    deleteIke(sa);
                }
            }
        }
        return reply(null);
    }

    private void listConns(SimulatedVici.Exchange x, ViciMessage m) {
        Optional<String> filter = m.text("ike");
        for (Conn c : conns.values()) {
            if (filter.isPresent() && !filter.get().equals(c.name())) {
                continue;
            }
            ViciMessage.Builder b = ViciMessage.builder()
                    .list("local_addrs", orAny(c.localAddrs()).toArray(String[]::new))
                    .list("remote_addrs", orAny(c.remoteAddrs()).toArray(String[]::new))
                    .add("version", switch (c.version()) { case "1" -> "IKEv1"; case "2" -> "IKEv2"; default -> "0"; })
                    .add("reauth_time", "0").add("rekey_time", "14400").add("unique", "UNIQUE_NO");
            b.section("local-1", authSection(c.local().auth(), c.local().id().orElse(SimulatedConfig.ANY)));
            b.section("remote-1", authSection(c.remote().auth(), c.remoteId()));
            ViciMessage.Builder children = ViciMessage.builder();
            for (Child ch : c.children().values()) {
                children.section(ch.name(), ViciMessage.builder().add("mode", ch.mode().toUpperCase(Locale.ROOT))
                        .add("rekey_time", "3600").add("rekey_bytes", "0").add("rekey_packets", "0")
                        .add("dpd_action", "clear").add("close_action", "clear")
                        .list("local-ts", ch.localTs().toArray(String[]::new))
                        .list("remote-ts", ch.remoteTs().toArray(String[]::new)).build());
            }
            b.section("children", children.build());
            x.stream("list-conn", ViciMessage.builder().section(c.name(), b.build()).build());
        }
        x.respond(ViciMessage.EMPTY);
    }

    private static ViciMessage authSection(String auth, String id) {
        String cls = switch (auth) {
            case "psk" -> "pre-shared key";
            case "" , "pubkey" -> "public key";
            default -> auth;
        };
        return ViciMessage.builder().add("class", cls).add("id", id).build();
    }

    private static List<String> orAny(List<String> addrs) {
        return addrs.isEmpty() ? List.of(SimulatedConfig.ANY) : addrs;
    }

    private ViciMessage loadShared(ViciMessage m) {
        Optional<String> type = m.text("type");
        if (type.isEmpty()) {
            return reply("shared key type missing");
        }
        String t = type.get().toLowerCase(Locale.ROOT);
        if (!Set.of("ike", "eap", "xauth", "ntlm", "ppk").contains(t)) {
            return reply("invalid shared key type: " + type.get());
        }
        byte[] data = m.value("data").map(ViciValue::octets).orElse(new byte[0]);
        if (data.length == 0) {
            return reply("shared key data missing");
        }
        List<String> owners = new ArrayList<>(SimulatedConfig.texts(m.list("owners")));
        if (owners.isEmpty()) {
            owners.add(SimulatedConfig.ANY);
        }
        String id = m.text("id").orElse(null);
        if (id != null) {
            secrets.removeIf(s -> id.equals(s.id()));
        }
        secrets.add(new Secret(id, t, data, List.copyOf(owners)));
        return reply(null);
    }

    private ViciMessage unloadShared(ViciMessage m) {
        Optional<String> id = m.text("id");
        if (id.isEmpty()) {
            return reply("unique identifier missing");
        }
        secrets.removeIf(s -> id.get().equals(s.id()));
        return reply(null);
    }

    private ViciMessage loadPool(ViciMessage m) {
        List<SimulatedPool> loaded = new ArrayList<>();
        for (ViciMessage.Element e : m.elements()) {
            if (!(e instanceof ViciMessage.Section s)) {
                continue;
            }
            String addrs = null;
            for (ViciMessage.Element a : s.body().elements()) {
                if (a instanceof ViciMessage.KeyValue kv) {
                    if (!kv.name().equals("addrs")) {
                        return reply("invalid attribute: " + kv.name());
                    }
                    if (addrs != null) {
                        return reply("multiple addrs defined");
                    }
                    addrs = kv.value().text();
                } else if (a instanceof ViciMessage.ValueList l && !Set.of("address", "dns", "nbns", "dhcp",
                        "netmask", "server", "subnet", "split_include", "split_exclude").contains(l.name())
                        && !l.name().matches("[1-9][0-9]*")) {
                    // charon takes addrs only as a key/value: a list of that name is an unknown attribute
                    return reply("invalid attribute: " + l.name());
                }
            }
            if (addrs == null) {
                return reply("missing addrs for pool '" + s.name() + "'");
            }
            Optional<SimulatedPool> p = SimulatedPool.parse(s.name(), addrs);
            if (p.isEmpty()) {
                return reply("invalid addrs value: " + addrs);
            }
            SimulatedPool old = pools.get(s.name());
            if (old != null && !old.spec.equals(addrs) && old.online() > 0) {
                return reply("vici pool " + s.name() + " has online leases, unable to replace");
            }
            loaded.add(old != null && old.spec.equals(addrs) ? old : p.get());
        }
        for (SimulatedPool p : loaded) {
            pools.put(p.name, p);
        }
        return reply(null);
    }

    private ViciMessage unloadPool(ViciMessage m) {
        Optional<String> name = m.text("name");
        if (name.isEmpty()) {
            return reply("missing pool name to unload");
        }
        SimulatedPool p = pools.get(name.get());
        if (p == null) {
            return reply(name.get() + " not found");
        }
        if (p.online() > 0) {
            return reply(name.get() + " has online leases, unable to unload");
        }
        pools.remove(name.get());
        return reply(null);
    }

    private ViciMessage getPools(ViciMessage m) {
        boolean leases = m.text("leases").map(SimulatedCharon::yes).orElse(false);
        Optional<String> filter = m.text("name");
        ViciMessage.Builder b = ViciMessage.builder();
        for (SimulatedPool p : pools.values()) {
            if (filter.isPresent() && !filter.get().equals(p.name)) {
                continue;
            }
            ViciMessage.Builder pb = ViciMessage.builder().add("base", text(p.base)).add("size", Long.toString(p.size))
                    .add("online", Long.toString(p.online())).add("offline", Long.toString(p.offline()));
            if (leases) {
                ViciMessage.Builder lb = ViciMessage.builder();
                int i = 0;
                for (Map.Entry<String, SimulatedPool.Lease> l : p.leases.entrySet()) {
                    lb.section(Integer.toString(i++), ViciMessage.builder().add("address", text(l.getValue().address))
                            .add("identity", l.getKey()).add("status", l.getValue().online ? "online" : "offline")
                            .build());
                }
                pb.section("leases", lb.build());
            }
            b.section(p.name, pb.build());
        }
        return b.build();
    }

    private static boolean yes(String v) {
        return Set.of("yes", "true", "enabled", "1").contains(v.toLowerCase(Locale.ROOT));
    }

    // ---------------------------------------------------------------- initiate

    private void initiate(SimulatedVici.Exchange x, ViciMessage m) {
        Optional<String> child = m.text("child");
        Optional<String> ike = m.text("ike");
        int timeout = number(m, "timeout");
        if (child.isEmpty() && ike.isEmpty()) {
            x.respond(reply("missing configuration name"));
            return;
        }
        String type = child.isPresent() ? "CHILD_SA" : "IKE_SA";
        String sa = child.orElse(ike.orElse(""));
        Conn conn = null;
        for (Conn c : conns.values()) {
            if (ike.isPresent() && !ike.get().equals(c.name())) {
                continue;
            }
            if (child.isEmpty() || c.children().containsKey(child.get())) {
                conn = c;
                break;
            }
        }
        if (conn == null) {
            x.respond(reply(type + " config '" + sa + "' not found"));
            return;
        }
        String childName = child.orElse(conn.children().keySet().stream().findFirst().orElse(null));
        if (timeout < 0) {
            x.respond(reply(null));
            establish(conn, childName, outcome -> { });
            return;
        }
        int gen = generation;
        establish(conn, childName, outcome -> {
            switch (outcome) {
                case UP -> x.respond(reply(null));
                case FAILED -> x.respond(reply("establishing " + type + " '" + sa + "' failed"));
                case SILENT -> {
                    Duration wait = timeout > 0 ? Duration.ofMillis(timeout) : GIVE_UP;
                    world.scheduler().schedule(wait, () -> {
                        synchronized (world.lock()) {
                            if (gen == generation) {
                                x.respond(reply(timeout > 0
                                        ? type + " '" + sa + "' not established after " + timeout + "ms"
                                        : "establishing " + type + " '" + sa + "' failed"));
                            }
                        }
                    });
                }
            }
        });
    }

    private static int number(ViciMessage m, String key) {
        try {
            return Integer.parseInt(m.text(key).orElse("0").trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    enum Outcome { UP, FAILED, SILENT }

    /** The IKE exchange, at once: the outcome goes to {@code done}. */
    private void establish(Conn ic, String childName, java.util.function.Consumer<Outcome> done) {
        Optional<Sa> existing = findSa(ic.name(), true);
        if (existing.isPresent()) {
            Sa sa = existing.get();
            if (childName == null || sa.children.stream().anyMatch(c -> c.name().equals(childName))) {
                done.accept(Outcome.UP);
                return;
            }
            Sa peer = sa.peer;
            Child icc = ic.children().get(childName);
            Child rcc = peer.conn.children().values().iterator().next();
            addChildren(sa, icc, peer, rcc);
            done.accept(Outcome.UP);
            return;
        }
        Optional<InetAddress> local = localAddress(ic);
        SimulatedCharon responder = null;
        InetAddress remote = null;
        for (String spec : ic.remoteAddrs()) {
            Optional<InetAddress> a = literalOf(spec);
            if (a.isPresent()) {
                responder = world.charonOwning(a.get()).orElse(null);
                if (responder != null) {
                    remote = a.get();
                    break;
                }
            }
        }
        if (responder == null || local.isEmpty() || responder == this) {
            done.accept(Outcome.SILENT);
            return;
        }
        String li = ic.local().id().orElse(text(local.get()));
        String ri = ic.remoteId();
        Optional<Conn> match = responder.responderConn(remote, local.get(), li);
        if (match.isEmpty() || !"psk".equals(ic.local().auth()) || !"psk".equals(ic.remote().auth())) {
            done.accept(Outcome.FAILED);
            return;
        }
        Conn rc = match.get();
        String lr = rc.local().id().orElse(text(remote));
        if (!ri.equals(SimulatedConfig.ANY) && !ri.equals(lr)) {
            done.accept(Outcome.FAILED);
            return;
        }
        Optional<byte[]> mine = psk(li, ri.equals(SimulatedConfig.ANY) ? lr : ri);
        Optional<byte[]> theirs = responder.psk(lr, li);
        if (mine.isEmpty() || theirs.isEmpty() || !java.security.MessageDigest.isEqual(mine.get(), theirs.get())) {
            done.accept(Outcome.FAILED);
            return;
        }
        // a virtual IP, if asked for
        Optional<InetAddress> vip = Optional.empty();
        String poolName = null;
        if (!ic.vips().isEmpty()) {
            Optional<InetAddress> wanted = literalOf(ic.vips().get(0));
            boolean v6 = wanted.map(a -> !(a instanceof Inet4Address)).orElse(true);
            Optional<InetAddress> specific = wanted.filter(a -> !a.isAnyLocalAddress());
            for (String pn : rc.pools()) {
                SimulatedPool p = responder.pools.get(pn);
                if (p != null && p.isIpv6() == v6) {
                    vip = p.acquire(li, specific);
                    if (vip.isPresent()) {
                        poolName = pn;
                        break;
                    }
                }
            }
            if (vip.isEmpty()) {
                done.accept(Outcome.FAILED);
                return;
            }
            try {
                host.iface("tun0", text(vip.get()));
            } catch (IllegalStateException e) {
                responder.pools.get(poolName).release(li, vip.get());
                done.accept(Outcome.FAILED);
                return;
            }
        }
        long spiI = nextSpi++ * 0x1111_0000_0000L + 0x1234;
        long spiR = responder.nextSpi++ * 0x2222_0000_0000L + 0x5678;
        Sa isa = new Sa(this, ic, nextIkeId++, true, li, lr, spiI, spiR, local.get(), remote);
        Sa rsa = new Sa(responder, rc, responder.nextIkeId++, false, lr, li, spiI, spiR, remote, local.get());
        isa.peer = rsa;
        rsa.peer = isa;
        vip.ifPresent(isa.localVips::add);
        vip.ifPresent(rsa.remoteVips::add);
        rsa.pool = poolName;
        sas.add(isa);
        responder.sas.add(rsa);
        // the responder completes IKE_AUTH first, then the initiator reads its answer
        responder.raise("ike-updown", updown(true, rsa));
        raise("ike-updown", updown(true, isa));
        Child icc = childName == null ? null : ic.children().get(childName);
        Child rcc = rc.children().isEmpty() ? null : rc.children().values().iterator().next();
        if (icc != null && rcc != null) {
            addChildren(isa, icc, rsa, rcc);
        }
        if (knownEth0 == null) {
            knownEth0 = new LinkedHashSet<>(host.addresses("eth0"));
        }
        ensurePolling();
        done.accept(Outcome.UP);
    }

    private void addChildren(Sa isa, Child icc, Sa rsa, Child rcc) {
        Optional<InetAddress> vip = isa.localVips.stream().findFirst();
        List<String> its = icc.localTs().stream().map(t -> selector(t, vip.orElse(isa.localHost))).toList();
        List<String> rts = icc.remoteTs().stream().map(t -> selector(t, isa.remoteHost)).toList();
        long in = 0xc0000000L | nextSpi++;
        long out = 0xc0000000L | rsa.owner.nextSpi++;
        String mode = modeOf(icc.mode());
        ChildSa ic = new ChildSa(icc.name(), nextChildId++, icc.reqid() != 0 ? icc.reqid() : nextReqid++, mode,
                its, rts, in, out);
        ChildSa rc = new ChildSa(rcc.name(), rsa.owner.nextChildId++,
                rcc.reqid() != 0 ? rcc.reqid() : rsa.owner.nextReqid++, mode, rts, its, out, in);
        isa.children.add(ic);
        rsa.children.add(rc);
        rsa.owner.raise("child-updown", childUpdown(true, rsa, rc));
        raise("child-updown", childUpdown(true, isa, ic));
    }

    /**
     * The mode charon reports for a CHILD SA: {@code transport_proxy} (Mobile IPv6's transport
     * mode with the selectors' addresses as the SA's ends) is a transport-mode SA.
     */
    private static String modeOf(String configured) {
        return configured.equals("transport_proxy") ? "TRANSPORT" : configured.toUpperCase(Locale.ROOT);
    }

    /** A configured selector as charon prints the negotiated one: {@code dynamic} is the given address. */
    private static String selector(String configured, InetAddress dynamic) {
        String t = configured.trim();
        String suffix = "";
        int bracket = t.indexOf('[');
        if (bracket >= 0) {
            suffix = t.substring(bracket);
            t = t.substring(0, bracket);
        }
        if (t.equals("dynamic")) {
            return text(dynamic) + (dynamic instanceof Inet4Address ? "/32" : "/128") + suffix;
        }
        if (!t.contains("/") && literalOf(t).isPresent()) {
            InetAddress a = literalOf(t).get();
            return text(a) + (a instanceof Inet4Address ? "/32" : "/128") + suffix;
        }
        return configured;
    }

    /** The conn this charon, as responder at {@code local}, picks for an initiator at {@code remote} with id {@code id}. */
    private Optional<Conn> responderConn(InetAddress local, InetAddress remote, String id) {
        return conns.values().stream()
                .filter(c -> !c.version().equals("1") && !c.children().isEmpty())
                .filter(c -> c.localAddrs().isEmpty() || c.localAddrs().stream().anyMatch(s -> covers(s, local)))
                .filter(c -> c.remoteAddrs().isEmpty() || c.remoteAddrs().stream().anyMatch(s -> covers(s, remote)))
                .filter(c -> "psk".equals(c.local().auth()) && "psk".equals(c.remote().auth()))
                .filter(c -> c.remoteId().equals(SimulatedConfig.ANY) || c.remoteId().equals(id))
                .min(Comparator.comparingInt(c -> c.remoteId().equals(id) ? 0 : 1));
    }

    /** The best IKE PSK for {@code me} and {@code other}, as charon's credential manager ranks owners. */
    private Optional<byte[]> psk(String me, String other) {
        Secret best = null;
        int bestScore = 0;
        for (Secret s : secrets) {
            if (!s.type().equals("ike")) {
                continue;
            }
            int score = ownerScore(s, me) + ownerScore(s, other);
            if (score > bestScore) {
                best = s;
                bestScore = score;
            }
        }
        return Optional.ofNullable(best).map(s -> s.data().clone());
    }

    private static int ownerScore(Secret s, String id) {
        if (s.owners().contains(id)) {
            return 3;
        }
        return s.owners().contains(SimulatedConfig.ANY) ? 1 : 0;
    }

    private Optional<InetAddress> localAddress(Conn c) {
        for (String spec : c.localAddrs()) {
            Optional<InetAddress> a = literalOf(spec);
            if (a.isPresent() && host.interfaceOf(a.get()).isPresent()) {
                return a;
            }
        }
        List<InetAddress> eth0 = host.addresses("eth0");
        return eth0.isEmpty() ? Optional.empty() : Optional.of(eth0.get(eth0.size() - 1));
    }

    private Optional<Sa> findSa(String connName, boolean initiator) {
        return sas.stream().filter(s -> s.conn.name().equals(connName) && s.initiator == initiator).findFirst();
    }

    // ---------------------------------------------------------------- terminate

    private ViciMessage terminate(ViciMessage m) {
        Optional<String> child = m.text("child");
        Optional<String> ike = m.text("ike");
        int childId = number(m, "child-id");
        int ikeId = number(m, "ike-id");
        if (child.isEmpty() && ike.isEmpty() && childId == 0 && ikeId == 0) {
            return reply("missing terminate selector");
        }
        int matches = 0;
        if (child.isPresent() || childId != 0) {
            List<Object[]> found = new ArrayList<>();
            for (Sa sa : sas) {
                if ((ike.isPresent() && !ike.get().equals(sa.conn.name())) || (ikeId != 0 && ikeId != sa.uniqueId)) {
                    continue;
                }
                for (ChildSa c : sa.children) {
                    if ((child.isEmpty() || child.get().equals(c.name())) && (childId == 0 || childId == c.uniqueId())) {
                        found.add(new Object[] {sa, c});
                    }
                }
            }
            matches = found.size();
            for (Object[] f : found) {
                deleteChild((Sa) f[0], (ChildSa) f[1]);
            }
        } else {
            List<Sa> found = sas.stream().filter(sa -> (ike.isPresent() && ike.get().equals(sa.conn.name()))
                    || (ikeId != 0 && ikeId == sa.uniqueId)).toList();
            matches = found.size();
            found.forEach(this::deleteIke);
        }
        ViciMessage.Builder b = ViciMessage.builder().add("success", matches == 0 ? "no" : "yes")
                .add("matches", Integer.toString(matches)).add("terminated", Integer.toString(matches));
        if (matches == 0) {
            b.add("errmsg", "no matching SAs to terminate found");
        }
        return b.build();
    }

    /** This charon deletes {@code sa}: the peer processes the DELETE first, then this charon reads its answer. */
    private void deleteIke(Sa sa) {
        if (sa.peer != null) {
            sa.peer.owner.ikeDown(sa.peer);
        }
        ikeDown(sa);
    }

    /** {@code sa} goes down here: events, the lease offline, the virtual IP off the host. */
    void ikeDown(Sa sa) {
        if (!sas.remove(sa)) {
            return;
        }
        sa.state = "DELETING";
        raise("ike-updown", updown(false, sa));
        for (ChildSa c : sa.children) {
            raise("child-updown", childUpdown(false, sa, c));
        }
        if (sa.pool != null && pools.containsKey(sa.pool)) {
            for (InetAddress vip : sa.remoteVips) {
                pools.get(sa.pool).release(sa.remoteId, vip);
            }
        }
        for (InetAddress vip : sa.localVips) {
            removeVirtualIp(vip);
        }
        if (sa.peer != null) {
            sa.peer.peer = null;
        }
    }

    private void deleteChild(Sa sa, ChildSa c) {
        int index = sa.children.indexOf(c);
        if (sa.peer != null && index >= 0 && index < sa.peer.children.size()) {
            Sa p = sa.peer;
            ChildSa pc = p.children.remove(index);
            p.owner.raise("child-updown", childUpdown(false, p, pc));
        }
        sa.children.remove(c);
        raise("child-updown", childUpdown(false, sa, c));
    }

    // ---------------------------------------------------------------- list-sas

    private void listSas(SimulatedVici.Exchange x, ViciMessage m) {
        Optional<String> ike = m.text("ike");
        int ikeId = number(m, "ike-id");
        for (Sa sa : sas) {
            if ((ike.isPresent() && !ike.get().equals(sa.conn.name())) || (ikeId != 0 && ikeId != sa.uniqueId)) {
                continue;
            }
            ViciMessage.Builder body = ike(sa);
            ViciMessage.Builder children = ViciMessage.builder();
            for (ChildSa c : sa.children) {
                children.section(c.name() + "-" + c.uniqueId(), child(c));
            }
            body.section("child-sas", children.build());
            x.stream("list-sa", ViciMessage.builder().section(sa.conn.name(), body.build()).build());
        }
        x.respond(ViciMessage.EMPTY);
    }

    // ---------------------------------------------------------------- MOBIKE

    private void ensurePolling() {
        if (poll != null || sas.stream().noneMatch(s -> s.initiator && s.conn.mobike())) {
            return;
        }
        int gen = generation;
        poll = world.scheduler().schedule(ADDRESS_POLL, () -> {
            synchronized (world.lock()) {
                if (gen != generation) {
                    return;
                }
                poll = null;
                checkAddresses();
                ensurePolling();
            }
        });
    }

    /** Roams every MOBIKE SA this charon initiated when its host's eth0 addresses changed. */
    void checkAddresses() {
        if (sas.isEmpty()) {
            return;
        }
        List<InetAddress> eth0 = host.addresses("eth0");
        Set<InetAddress> now = new LinkedHashSet<>(eth0);
        boolean appeared = knownEth0 != null && !knownEth0.containsAll(now);
        knownEth0 = now;
        if (eth0.isEmpty()) {
            return;
        }
        InetAddress newest = eth0.get(eth0.size() - 1);
        for (Sa sa : new ArrayList<>(sas)) {
            if (sa.initiator && sa.conn.mobike() && (appeared || !now.contains(sa.localHost))
                    && !newest.equals(sa.localHost)) {
                roam(sa, newest);
            }
        }
    }

    private void roam(Sa sa, InetAddress to) {
        raise("ike-update", update(sa, to, sa.remoteHost));
        sa.localHost = to;
        Sa p = sa.peer;
        if (p != null) {
            p.owner.raise("ike-update", update(p, p.localHost, to));
            p.remoteHost = to;
        }
    }

    // ---------------------------------------------------------------- event bodies

    private static ViciMessage update(Sa sa, InetAddress newLocal, InetAddress newRemote) {
        return ViciMessage.builder().add("local-host", text(newLocal)).add("local-port", Integer.toString(NAT_T_PORT))
                .add("remote-host", text(newRemote)).add("remote-port", Integer.toString(NAT_T_PORT))
                .section(sa.conn.name(), ike(sa).build()).build();
    }

    private static ViciMessage updown(boolean up, Sa sa) {
        ViciMessage.Builder b = ViciMessage.builder();
        if (up) {
            b.add("up", "yes");
        }
        return b.section(sa.conn.name(), ike(sa).build()).build();
    }

    private static ViciMessage childUpdown(boolean up, Sa sa, ChildSa c) {
        ViciMessage.Builder b = ViciMessage.builder();
        if (up) {
            b.add("up", "yes");
        }
        ViciMessage body = ike(sa).section("child-sas", ViciMessage.builder()
                .section(c.name() + "-" + c.uniqueId(), child(c)).build()).build();
        return b.section(sa.conn.name(), body).build();
    }

    /** {@code list_ike} of vici_query.c: the keys charon writes, in its order. */
    private static ViciMessage.Builder ike(Sa sa) {
        ViciMessage.Builder b = ViciMessage.builder().add("uniqueid", Integer.toString(sa.uniqueId))
                .add("version", "2").add("state", sa.state)
                .add("local-host", text(sa.localHost)).add("local-port", Integer.toString(NAT_T_PORT))
                .add("local-id", sa.localId)
                .add("remote-host", text(sa.remoteHost)).add("remote-port", Integer.toString(NAT_T_PORT))
                .add("remote-id", sa.remoteId);
        if (sa.initiator) {
            b.add("initiator", "yes");
        }
        b.add("initiator-spi", String.format("%016x", sa.initiatorSpi))
                .add("responder-spi", String.format("%016x", sa.responderSpi))
                .add("encr-alg", "AES_CBC").add("encr-keysize", "128").add("integ-alg", "HMAC_SHA2_256_128")
                .add("prf-alg", "PRF_HMAC_SHA2_256").add("dh-group", "CURVE_25519");
        if (sa.state.equals("ESTABLISHED")) {
            b.add("established", "0").add("rekey-time", "14400");
        }
        if (!sa.localVips.isEmpty()) {
            b.list("local-vips", sa.localVips.stream().map(SimulatedCharon::text).toArray(String[]::new));
        }
        if (!sa.remoteVips.isEmpty()) {
            b.list("remote-vips", sa.remoteVips.stream().map(SimulatedCharon::text).toArray(String[]::new));
        }
        return b;
    }

    /** {@code list_child} of vici_query.c, for an installed CHILD SA. */
    private static ViciMessage child(ChildSa c) {
        return ViciMessage.builder().add("name", c.name()).add("uniqueid", Integer.toString(c.uniqueId()))
                .add("reqid", Integer.toString(c.reqid())).add("state", "INSTALLED").add("mode", c.mode())
                .add("protocol", "ESP").add("spi-in", String.format("%08x", c.spiIn()))
                .add("spi-out", String.format("%08x", c.spiOut())).add("encr-alg", "AES_GCM_16")
                .add("encr-keysize", "128").add("bytes-in", "0").add("packets-in", "0").add("bytes-out", "0")
                .add("packets-out", "0").add("rekey-time", "3600").add("life-time", "3960")
                .add("install-time", "0")
                .list("local-ts", c.localTs().toArray(String[]::new))
                .list("remote-ts", c.remoteTs().toArray(String[]::new)).build();
    }

    // ---------------------------------------------------------------- addresses

    /** An address as charon's {@code %H} prints it (IPv6 in RFC 5952 form). */
    static String text(InetAddress a) {
        return a instanceof Inet4Address ? a.getHostAddress() : Ipv6Address.fromBytes(a.getAddress()).toString();
    }

    static Optional<InetAddress> literalOf(String spec) {
        try {
            return Optional.of(SimulatedPool.literal(spec.trim()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Whether a {@code local_addrs}/{@code remote_addrs} entry (%any, an address, a subnet) covers {@code a}. */
    private static boolean covers(String spec, InetAddress a) {
        String s = spec.trim();
        if (s.equals("%any") || (s.equals("%any6") && !(a instanceof Inet4Address))
                || (s.equals("%any4") && a instanceof Inet4Address)) {
            return true;
        }
        int slash = s.indexOf('/');
        if (slash < 0) {
            return literalOf(s).filter(a::equals).isPresent();
        }
        Optional<InetAddress> net = literalOf(s.substring(0, slash));
        if (net.isEmpty() || net.get().getAddress().length != a.getAddress().length) {
            return false;
        }
        int bits;
        try {
            bits = Integer.parseInt(s.substring(slash + 1));
        } catch (NumberFormatException e) {
            return false;
        }
        byte[] x = net.get().getAddress();
        byte[] y = a.getAddress();
        for (int i = 0; i < x.length * 8 && i < bits; i++) {
            int mask = 0x80 >> (i % 8);
            if ((x[i / 8] & mask) != (y[i / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "SimulatedCharon[" + hostName + ", " + conns.size() + " conns, " + secrets.size() + " secrets, "
                + pools.keySet() + ", " + sas.size() + " IKE SAs]";
    }

    /** charon removes the virtual IP it installed on its TUN, not the same address elsewhere (a node back home). */
    private void removeVirtualIp(InetAddress vip) {
        if (host.interfaceOf(vip).filter("tun0"::equals).isPresent()) {
            host.removeAddress(text(vip));
        }
    }
}
