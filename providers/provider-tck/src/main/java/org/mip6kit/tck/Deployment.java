package org.mip6kit.tck;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;

import org.mip6kit.engine.BindingRecord;
import org.mip6kit.engine.EngineEvent;
import org.mip6kit.engine.HomeAgentEngine;
import org.mip6kit.engine.HomeAgentSettings;
import org.mip6kit.engine.MobileNodeEngine;
import org.mip6kit.engine.MobileNodeSettings;
import org.mip6kit.engine.VirtualTime;
import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.BindingChange;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.MobileNodeSecurity;
import org.mip6kit.spi.ProviderConfigException;
import org.mip6kit.spi.ProviderContext;
import org.mip6kit.spi.ProviderDescriptor;
import org.mip6kit.spi.ProviderEvent;
import org.mip6kit.spi.SecurityProviderFactory;
import org.mip6kit.spi.StandardProviderContext;
import org.mip6kit.transport.InMemoryProviderNetwork;
import org.mip6kit.transport.InMemoryProviderNetwork.Host;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.MobilityHeaderCodec;
import org.mip6kit.wire.MobilityMessage;
import org.mip6kit.wire.MobilityOptionCodec;
import org.mip6kit.wire.MobilityOptionRegistry;
import org.mip6kit.wire.packet.MobilityPacket;

/**
 * One home agent and any number of mobile nodes running the provider under test on an
 * {@link InMemoryProviderNetwork} on {@link VirtualTime}, plus an {@link Attacker}. Everything
 * runs on the thread that advances the clock, so a test is deterministic and hours of protocol
 * time take milliseconds.
 *
 * <h2>The network</h2>
 * <pre>
 *   home-agent      eth0 homeAgentAddress()      ipsec1 .. ipsecN  (tunnel ends, one per node)
 *   mobile-node-i   eth0 careOfAddress(i, move)  tun0              (tunnel to ipsec(i+1))
 *   attacker        eth0 2001:db8:ffff::bad
 * </pre>
 * Every participant opens its sockets through its own host: the engines get
 * {@code host.network()} as their provider network, and their transport is UDP with the RFC 5555
 * framing (port 4191 on the home agent), which an {@link org.mip6kit.spi.Placement#IN_MESSAGE}
 * provider opens. A node the kit deploys with its own credentials has a point-to-point tunnel to
 * the home agent for Mobility Header packets (an SA its IKE authentication set up, for a provider
 * below the stack); one with wrong credentials has none. The tunnels are facts of the network:
 * what comes through one arrives on the receiver's tunnel interface, what the attacker sends
 * arrives on {@value #OUTSIDE_INTERFACE}. The kit never tells a provider who sent a packet.
 *
 * <h2>Watching and interfering</h2>
 * The engines use the kit's wrapper around the provider, which records what it does
 * ({@link Participant#provider()}) and tells the kit which packets carry which message. Each
 * participant has a man in the middle on what it sends ({@link Participant#setRule}). The
 * attacker replays, tampers, spoofs and forges ({@link #inject}).
 *
 * <p>Created by {@link ProviderCompatibilityKit#deploy}; a provider's own extra tests may use it
 * the same way the kit does.
 */
public final class Deployment implements AutoCloseable {

    /** Where the kit's attacker sits (a documentation address). */
    public static final Ipv6Address ATTACKER_ADDRESS = Ipv6Address.parse("2001:db8:ffff::bad");
    /** The attacker's host name, and the sender of every packet it puts on the wire. */
    public static final String ATTACKER = "attacker";
    /** The home agent's host name. */
    public static final String HOME_AGENT = "home-agent";
    /** Every host's outside interface: what does not come through a tunnel arrives here. */
    public static final String OUTSIDE_INTERFACE = "eth0";
    /** A mobile node's end of its tunnel to the home agent. */
    public static final String MOBILE_NODE_TUNNEL = "tun0";
    /** The UDP port of the engines' own transport on the home agent (RFC 5555). */
    public static final int ENGINE_PORT = MobilityPacket.DSMIPV6_UDP_PORT;

    private static final Duration STEP = Duration.ofMillis(100);

    private final ProviderCompatibilityKit kit;
    private final SecurityProviderFactory factory;
    private final ProviderDescriptor descriptor;
    private final HomeAgentSettings settings;
    private final VirtualTime time = new VirtualTime();
    private final InMemoryProviderNetwork network;
    private final MobilityHeaderCodec codec;
    private final Interception interception;
    private final Attacker attacker;
    private final Host homeAgentHost;
    private final Participant homeAgentParticipant;
    private final List<EngineEvent> homeAgentEvents = Collections.synchronizedList(new ArrayList<>());
    private final List<KitMobileNode> mobileNodes = Collections.synchronizedList(new ArrayList<>());
    private final List<DirectMobileNode> directNodes = Collections.synchronizedList(new ArrayList<>());
    private final Set<String> hostNames = Collections.synchronizedSet(new HashSet<>());
    private final HomeAgentEngine homeAgent;
    private volatile Predicate<BindingChange> failBeforeAck = c -> false;

    Deployment(ProviderCompatibilityKit kit, SecurityProviderFactory factory, int nodes, HomeAgentSettings settings) {
        this.kit = kit;
        this.factory = factory;
        this.descriptor = factory.descriptor();
        this.settings = settings;
        this.network = new InMemoryProviderNetwork(time);
        MobilityOptionRegistry options = MobilityOptionRegistry.standard();
        for (MobilityOptionCodec<?> c : factory.optionCodecs()) {
            options = options.with(c);
        }
        this.codec = new MobilityHeaderCodec(options);
        this.attacker = new Attacker(network.host(ATTACKER).iface(OUTSIDE_INTERFACE, ATTACKER_ADDRESS.toString()),
                ATTACKER_ADDRESS);
        this.interception = new Interception(network, time, attacker);
        network.addTap(interception);
        homeAgentHost = network.host(HOME_AGENT).iface(OUTSIDE_INTERFACE, settings.homeAgentAddress().toString());
        hostNames.add(ATTACKER);
        hostNames.add(HOME_AGENT);
        homeAgentParticipant = new Participant(HOME_AGENT, homeAgentHost);
        interception.add(homeAgentParticipant);
        kit.attach(this);
        try {
            homeAgent = HomeAgentEngine.builder()
                    .provider(instrumented(homeAgentParticipant, c -> failBeforeAck.test(c)), kit.homeAgentConfig(nodes))
                    .settings(settings)
                    .transports(() -> new EncapsulatingTransport(homeAgentHost.network(),
                            new InetSocketAddress(Ipv6Address.UNSPECIFIED.toInetAddress(), ENGINE_PORT)))
                    .network(homeAgentHost.network())
                    .clock(time.clock())
                    .scheduler(time)
                    .listener(homeAgentEvents::add)
                    .build();
        } catch (ProviderConfigException e) {
            throw new AssertionError("the provider refused the kit's home agent configuration for " + nodes
                    + " nodes: " + e.getMessage(), e);
        }
        homeAgent.start();
        time.runDue();
    }

    private InstrumentedProvider instrumented(Participant p, Predicate<BindingChange> failing) {
        return new InstrumentedProvider(factory, p, interception, failing);
    }

    // ------------------------------------------------------------------ participants

    public VirtualTime time() {
        return time;
    }

    /** The kit's network: hosts, interfaces, tunnels, NATs. */
    public InMemoryProviderNetwork network() {
        return network;
    }

    /** The codec with the provider's own options registered. */
    public MobilityHeaderCodec codec() {
        return codec;
    }

    public ProviderDescriptor descriptor() {
        return descriptor;
    }

    public HomeAgentSettings settings() {
        return settings;
    }

    public HomeAgentEngine homeAgent() {
        return homeAgent;
    }

    /** The home agent's host, provider log and man in the middle. */
    public Participant homeAgentParticipant() {
        return homeAgentParticipant;
    }

    /** The attacker. */
    public Attacker attacker() {
        return attacker;
    }

    /** The home agent's own endpoint of the engines' transport (what mobile nodes are configured with). */
    public InetSocketAddress engineEndpoint() {
        return new InetSocketAddress(settings.homeAgentAddress().toInetAddress(), ENGINE_PORT);
    }

    /** The home agent's interface at the end of node {@code node}'s tunnel. */
    public static String homeAgentTunnel(int node) {
        return "ipsec" + (node + 1);
    }

    /** Mobile node {@code index} with its own credentials (and so its tunnel), at its first care-of address. */
    public KitMobileNode mobileNode(int index) {
        return mobileNode(index, kit.mobileNodeConfig(index), kit.homeAddress(index), true);
    }

    /** Mobile node {@code index} configured with credentials the home agent must not accept (and no tunnel). */
    public KitMobileNode mobileNodeWithWrongCredentials(int index) {
        return mobileNode(index, kit.mobileNodeConfigWithWrongCredentials(index), kit.homeAddress(index), false);
    }

    /**
     * A mobile node with any configuration and home address.
     *
     * @param tunnelled whether its host gets a tunnel to the home agent (a node whose key
     *        management authenticated it)
     */
    public KitMobileNode mobileNode(int index, ConfigSection config, Ipv6Address homeAddress, boolean tunnelled) {
        Ipv6Address careOf = kit.careOfAddress(index, 0);
        Participant p = participant(index, careOf, tunnelled);
        Host h = p.host();
        List<EngineEvent> events = KitMobileNode.newEventLog();
        MobileNodeSettings s = kit.mobileNodeSettings(index).withHomeAddress(homeAddress);
        if (s.homeAgentEndpoints().isEmpty()) {
            s = s.withHomeAgentEndpoint(engineEndpoint());
        }
        MobileNodeEngine engine;
        try {
            engine = MobileNodeEngine.builder()
                    .provider(instrumented(p, c -> false), config)
                    .settings(s)
                    .transports(() -> new EncapsulatingTransport(h.network(), null))
                    .network(h.network())
                    .clock(time.clock())
                    .scheduler(time)
                    .listener(events::add)
                    .careOfAddress(careOf)
                    .build();
        } catch (ProviderConfigException e) {
            throw new AssertionError("the provider refused the kit's configuration of mobile node " + index + ": "
                    + e.getMessage(), e);
        }
        KitMobileNode node = new KitMobileNode(index, engine, p, homeAddress, events);
        mobileNodes.add(node);
        return node;
    }

    /** Node {@code index}'s provider, with its own credentials and tunnel, driven directly by the kit (see {@link DirectMobileNode}). */
    public DirectMobileNode directMobileNode(int index) {
        Ipv6Address careOf = kit.careOfAddress(index, 0);
        Participant p = participant(index, careOf, true);
        List<ProviderEvent> events = Collections.synchronizedList(new ArrayList<>());
        MobileNodeSecurity security;
        InstrumentedProvider instrumented = instrumented(p, c -> false);
        try {
            security = instrumented.mobileNode(StandardProviderContext.builder(ProviderContext.Role.MOBILE_NODE)
                    .clock(time.clock()).scheduler(time).codec(codec).events(events::add)
                    .network(p.host().network()).build(), kit.mobileNodeConfig(index));
        } catch (ProviderConfigException e) {
            throw new AssertionError("the provider refused the kit's configuration of mobile node " + index + ": "
                    + e.getMessage(), e);
        }
        DirectMobileNode node = new DirectMobileNode(this, index, careOf, security, p, codec, events);
        directNodes.add(node);
        return node;
    }

    private Participant participant(int index, Ipv6Address careOf, boolean tunnelled) {
        String name = "mobile-node-" + index;
        if (!hostNames.add(name)) {
            throw new IllegalStateException(name + " already exists in this deployment");
        }
        Host h = network.host(name).iface(OUTSIDE_INTERFACE, careOf.toString());
        if (tunnelled) {
            network.tunnel(h, MOBILE_NODE_TUNNEL, homeAgentHost, homeAgentTunnel(index));
        }
        Participant p = new Participant(name, h);
        interception.add(p);
        return p;
    }

    /** The public address of the NAT {@link #putBehindNat} puts node {@code index} behind. */
    public static Ipv6Address natAddress(int index) {
        return Ipv6Address.of(0x2001_0db8_0004_0000L, index + 1L);
    }

    /**
     * Puts {@code node}'s host behind a NAT ({@link #natAddress}): its UDP datagrams appear from
     * the NAT's address and a port mapped per endpoint, until {@code host().rebindNat()}.
     * Call it before the node sends anything.
     */
    public void putBehindNat(KitMobileNode node) {
        node.participant().host().behindNat(natAddress(node.index()).toString());
    }

    /**
     * Makes the home agent's provider's {@code beforeAck} fail for the changes {@code test}
     * selects: the provider's own stage runs and completes, then the kit fails it, as a commit
     * that fails would. The engine then answers 128 and calls {@code abandoned}.
     */
    public void failBeforeAck(Predicate<BindingChange> test) {
        failBeforeAck = test;
    }

    // ------------------------------------------------------------------ time

    /**
     * Advances virtual time until {@code stage} completes (at most {@code limit}) and returns its
     * value.
     *
     * @throws AssertionError if it does not complete in time, or completes exceptionally
     */
    public <T> T await(CompletionStage<T> stage, Duration limit, String what) {
        CompletableFuture<T> f = stage.toCompletableFuture();
        time.advanceUntil(f::isDone, STEP, limit);
        if (!f.isDone()) {
            throw new AssertionError(what + " did not complete within " + limit + " of virtual time");
        }
        try {
            return f.join();
        } catch (CompletionException | CancellationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new AssertionError(what + " failed: " + cause, cause);
        }
    }

    /**
     * Advances virtual time until {@code stage} completes (at most {@code limit}) and returns why
     * it failed.
     *
     * @throws AssertionError if it does not complete in time, or completes normally
     */
    public Throwable awaitFailure(CompletionStage<?> stage, Duration limit, String what) {
        CompletableFuture<?> f = stage.toCompletableFuture();
        time.advanceUntil(f::isDone, STEP, limit);
        if (!f.isDone()) {
            throw new AssertionError(what + " did not end within " + limit + " of virtual time");
        }
        try {
            Object value = f.join();
            throw new AssertionError(what + " succeeded, but must not: " + value);
        } catch (CompletionException | CancellationException e) {
            return e.getCause() != null ? e.getCause() : e;
        }
    }

    // ------------------------------------------------------------------ the attacker

    /** The attacker sends {@code packet} (from outside every tunnel) and what is due runs. */
    public void inject(Packet packet) {
        attacker.send(packet);
        time.runDue();
    }

    /**
     * Lets a packet a rule held back go on, late but untouched, along its sender's own route
     * (through its tunnel, if it entered one), and runs what is due.
     */
    public void release(Packet packet) {
        InMemoryProviderNetwork.Packet original = packet.original().orElseThrow(() -> new IllegalArgumentException(
                packet + " never left a participant: send it with inject"));
        network.release(original);
        time.runDue();
    }

    /**
     * A forged answer to {@code request}, sent where the genuine answer would go: back to the
     * request's source, from its destination (UDP: the endpoints swapped), and for a Mobility
     * Header with a Home Address option with the matching type 2 routing header. The message is
     * encoded unprotected, as a forger without keys can: in UDP with the RFC 5555 framing, or
     * as a raw Mobility Header.
     */
    public Packet forgeReply(MobilityMessage message, Packet request) {
        Addressing inner = request.innerAddressing().orElseGet(() -> Addressing.of(
                Ipv6Address.fromBytes(request.source().getAddress().getAddress()),
                Ipv6Address.fromBytes(request.destination().getAddress().getAddress())));
        Addressing reply = new Addressing(inner.destination(), inner.source(), Optional.empty(),
                inner.homeAddressOption(), Optional.empty());
        byte[] mh = codec.encode(message, reply.pseudoHeaderSource(), reply.pseudoHeaderDestination());
        if (request.kind() == InMemoryProviderNetwork.Kind.MOBILITY_HEADER) {
            return Packet.forgedMobilityHeader(mh, reply);
        }
        byte[] framed = new MobilityPacket(reply.source(), reply.destination(), reply.homeAddressOption(),
                reply.routingHeader(), Optional.empty(), mh).toBytes();
        return Packet.forgedDatagram(request.destination(), request.source(), framed);
    }

    // ------------------------------------------------------------------ observation

    /** Every packet that went onto the network, in order (participants' after their rules, and the attacker's). */
    public List<Packet> wire() {
        return interception.wire();
    }

    /**
     * Sends whose stage completed before any packet had left the sender: a provider that
     * reports a message sent before it is on the wire (so a teardown right after can swallow it).
     */
    public List<String> sendsCompletedBeforeAnythingLeft() {
        return interception.anomalies();
    }

    /** The Mobility Header inside {@code packet}, decoded (checksum checked), when its framing shows one. */
    public Optional<MobilityMessage> decode(Packet packet) {
        return packet.decode(codec);
    }

    /** The home agent's events so far. */
    public List<EngineEvent> homeAgentEvents() {
        synchronized (homeAgentEvents) {
            return List.copyOf(homeAgentEvents);
        }
    }

    public long homeAgentEventCount(EngineEvent.Kind kind) {
        return homeAgentEvents().stream().filter(e -> e.kind() == kind).count();
    }

    /** The live binding of {@code homeAddress}, if there is one (a replay hold is not a binding). */
    public Optional<BindingRecord> binding(Ipv6Address homeAddress) {
        return homeAgent.binding(homeAddress).filter(BindingRecord::isBound);
    }

    // ------------------------------------------------------------------ shutdown

    /**
     * Shuts everything down: mobile nodes deregister (men in the middle removed first), the home
     * agent drains and closes. Never waits in real time for virtual work.
     */
    @Override
    public void close() {
        failBeforeAck = c -> false;
        homeAgentParticipant.setRule(PathRule.PASS);
        List<KitMobileNode> nodes;
        synchronized (mobileNodes) {
            nodes = List.copyOf(mobileNodes);
        }
        for (KitMobileNode n : nodes) {
            n.participant().setRule(PathRule.PASS);
            try {
                n.shutdown();
            } catch (RuntimeException e) {
                // A node that cannot shut down cleanly is closed with the network below.
            }
        }
        time.advance(Duration.ofMinutes(1));
        synchronized (directNodes) {
            directNodes.forEach(DirectMobileNode::close);
        }
        homeAgent.closeAsync();
        time.advance(Duration.ofSeconds(10));
        homeAgent.close();
    }
}
