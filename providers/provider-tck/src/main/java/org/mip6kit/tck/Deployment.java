package org.mip6kit.tck;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

import org.mip6kit.engine.BindingRecord;
import org.mip6kit.engine.EngineEvent;
import org.mip6kit.engine.HomeAgentEngine;
import org.mip6kit.engine.HomeAgentSettings;
import org.mip6kit.engine.MobileNodeEngine;
import org.mip6kit.engine.VirtualTime;
import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.Observed;
import org.mip6kit.spi.MobileNodeSecurity;
import org.mip6kit.spi.Placement;
import org.mip6kit.spi.ProviderConfigException;
import org.mip6kit.spi.ProviderDescriptor;
import org.mip6kit.spi.ProviderEvent;
import org.mip6kit.spi.SecurityProviderFactory;
import org.mip6kit.transport.CapturedPacket;
import org.mip6kit.transport.InMemoryNetwork;
import org.mip6kit.transport.InMemoryTransport;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.MobilityHeaderCodec;
import org.mip6kit.wire.MobilityHeaderFormatException;
import org.mip6kit.wire.MobilityMessage;
import org.mip6kit.wire.MobilityOptionCodec;
import org.mip6kit.wire.MobilityOptionRegistry;

/**
 * One home agent and any number of mobile nodes running the provider under test over an
 * {@link InMemoryNetwork} on {@link VirtualTime}, plus an attacker on the same network who can
 * inject, replay and spoof packets, and a man in the middle on every participant's outgoing
 * side ({@link InterceptedTransport#setRule}). Everything runs on the thread that advances the
 * clock, so a test is deterministic and hours of protocol time take milliseconds.
 *
 * <p>Created by {@link ProviderCompatibilityKit#deploy}; a provider's own extra tests may use it
 * the same way the kit does.
 */
public final class Deployment implements AutoCloseable {

    /** Where the kit's attacker sits (a documentation address). */
    public static final Ipv6Address ATTACKER_ADDRESS = Ipv6Address.parse("2001:db8:ffff::bad");

    private static final Duration STEP = Duration.ofMillis(100);

    private final ProviderCompatibilityKit kit;
    private final SecurityProviderFactory factory;
    private final ProviderDescriptor descriptor;
    private final HomeAgentSettings settings;
    private final VirtualTime time = new VirtualTime();
    private final InMemoryNetwork network;
    private final MobilityHeaderCodec codec;
    private final OriginLedger ledger;
    private final List<CapturedPacket> captured = Collections.synchronizedList(new ArrayList<>());
    private final List<EngineEvent> homeAgentEvents = Collections.synchronizedList(new ArrayList<>());
    private final Map<Integer, InterceptedTransport> nodeTransports = new ConcurrentHashMap<>();
    private final List<KitMobileNode> mobileNodes = Collections.synchronizedList(new ArrayList<>());
    private final List<DirectMobileNode> directNodes = Collections.synchronizedList(new ArrayList<>());
    private final InterceptedTransport homeAgentTransport;
    private final InterceptedTransport attacker;
    private final HomeAgentEngine homeAgent;

    Deployment(ProviderCompatibilityKit kit, SecurityProviderFactory factory, int nodes, HomeAgentSettings settings) {
        this.kit = kit;
        this.factory = factory;
        this.descriptor = factory.descriptor();
        this.settings = settings;
        this.network = new InMemoryNetwork(time, 1);
        MobilityOptionRegistry options = MobilityOptionRegistry.standard();
        for (MobilityOptionCodec<?> c : factory.optionCodecs()) {
            options = options.with(c);
        }
        this.codec = new MobilityHeaderCodec(options);
        this.ledger = descriptor.placement() == Placement.BELOW_STACK ? new OriginLedger() : null;
        network.addTap(captured::add);
        homeAgentTransport = intercepted(network.attach(settings.homeAgentAddress()), PacketOrigin.HOME_AGENT);
        attacker = intercepted(network.attach(ATTACKER_ADDRESS), PacketOrigin.ATTACKER);
        kit.attach(this);
        try {
            homeAgent = HomeAgentEngine.builder()
                    .provider(factory, kit.homeAgentConfig(nodes))
                    .settings(settings)
                    .transports(() -> homeAgentTransport)
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

    private InterceptedTransport intercepted(InMemoryTransport t, PacketOrigin origin) {
        BiFunction<PacketOrigin, Addressing, Observed> evidence = ledger == null ? null : kit::arrival;
        return new InterceptedTransport(t, origin, ledger, evidence);
    }

    // ------------------------------------------------------------------ participants

    public VirtualTime time() {
        return time;
    }

    public InMemoryNetwork network() {
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

    public InterceptedTransport homeAgentTransport() {
        return homeAgentTransport;
    }

    /** The attacker's attachment: {@link InterceptedTransport#inject} sends anything from anywhere. */
    public InterceptedTransport attacker() {
        return attacker;
    }

    /** The transport of node {@code index} (the one its engine or its provider's channel uses). */
    public InterceptedTransport nodeTransport(int index) {
        InterceptedTransport t = nodeTransports.get(index);
        if (t == null) {
            throw new IllegalStateException("mobile node " + index + " has not been created yet");
        }
        return t;
    }

    /** Mobile node {@code index} with its own credentials, at its first care-of address. */
    public KitMobileNode mobileNode(int index) {
        return mobileNode(index, kit.mobileNodeConfig(index), PacketOrigin.mobileNode(index), kit.homeAddress(index));
    }

    /** Mobile node {@code index} configured with credentials the home agent must not accept. */
    public KitMobileNode mobileNodeWithWrongCredentials(int index) {
        return mobileNode(index, kit.mobileNodeConfigWithWrongCredentials(index),
                PacketOrigin.mobileNodeWithWrongCredentials(index), kit.homeAddress(index));
    }

    /**
     * A mobile node with any configuration and home address (for instance node {@code index}'s
     * credentials but another node's home address).
     */
    public KitMobileNode mobileNode(int index, ConfigSection config, PacketOrigin origin, Ipv6Address homeAddress) {
        Ipv6Address careOf = kit.careOfAddress(index, 0);
        InterceptedTransport t = intercepted(network.attach(careOf), origin);
        nodeTransports.put(index, t);
        List<EngineEvent> events = KitMobileNode.newEventLog();
        MobileNodeEngine engine;
        try {
            engine = MobileNodeEngine.builder()
                    .provider(factory, config)
                    .settings(kit.mobileNodeSettings(index).withHomeAddress(homeAddress))
                    .transports(() -> t)
                    .clock(time.clock())
                    .scheduler(time)
                    .listener(events::add)
                    .careOfAddress(careOf)
                    .build();
        } catch (ProviderConfigException e) {
            throw new AssertionError("the provider refused the kit's configuration of mobile node " + index + ": "
                    + e.getMessage(), e);
        }
        KitMobileNode node = new KitMobileNode(index, engine, t, homeAddress, events);
        mobileNodes.add(node);
        return node;
    }

    /** Node {@code index}'s provider driven directly by the kit (see {@link DirectMobileNode}). */
    public DirectMobileNode directMobileNode(int index) {
        Ipv6Address careOf = kit.careOfAddress(index, 0);
        InterceptedTransport t = intercepted(network.attach(careOf), PacketOrigin.mobileNode(index));
        nodeTransports.put(index, t);
        List<ProviderEvent> events = Collections.synchronizedList(new ArrayList<>());
        MobileNodeSecurity security;
        try {
            security = factory.mobileNode(org.mip6kit.spi.StandardProviderContext.builder(
                    org.mip6kit.spi.ProviderContext.Role.MOBILE_NODE).clock(time.clock()).scheduler(time).codec(codec)
                    .events(events::add).build(),
                    kit.mobileNodeConfig(index));
        } catch (ProviderConfigException e) {
            throw new AssertionError("the provider refused the kit's configuration of mobile node " + index + ": "
                    + e.getMessage(), e);
        }
        DirectMobileNode node = new DirectMobileNode(this, index, security, t, codec, events);
        directNodes.add(node);
        return node;
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

    /** Sends {@code packet} from the attacker (any source address) and runs what is due. */
    public void inject(Packet packet) {
        attacker.inject(packet);
        time.runDue();
    }

    /**
     * Lets a packet held in flight go on, late but untouched, from its own sender, and runs what
     * is due.
     */
    public void release(Packet packet, InterceptedTransport sender) {
        sender.inject(packet);
        time.runDue();
    }

    /**
     * The addressing of a reply to {@code request} as its receiver would send it: back to the
     * source, with a type 2 routing header when the request carried a Home Address option, to the
     * sender's outer endpoint when it was encapsulated.
     */
    public Addressing replyTo(Packet request, InterceptedTransport requestSender) {
        Addressing a = request.addressing();
        Optional<InetSocketAddress> outer = Optional.empty();
        if (a.outerPeer().isPresent()) {
            Class<?> family = a.outerPeer().get().getAddress().getClass();
            outer = requestSender.inner().outerEndpoints().stream()
                    .filter(e -> e.getAddress().getClass() == family).findFirst();
        }
        return new Addressing(a.destination(), a.source(), Optional.empty(), a.homeAddressOption(), outer);
    }

    /** {@code message} encoded (checksum included) for {@code to}, unprotected: what a forger without keys can send. */
    public Packet forge(MobilityMessage message, Addressing to) {
        return new Packet(codec.encode(message, to.pseudoHeaderSource(), to.pseudoHeaderDestination()), to);
    }

    // ------------------------------------------------------------------ observation

    /** Every packet that entered the network, in order. */
    public List<CapturedPacket> captured() {
        synchronized (captured) {
            return List.copyOf(captured);
        }
    }

    /** The packet decoded as a Mobility Header (checksum checked), if it is one. */
    public Optional<MobilityMessage> decode(Packet packet) {
        if (!packet.looksLikeMobilityHeader()) {
            return Optional.empty();
        }
        try {
            return Optional.of(codec.decode(packet.octets(), packet.addressing().pseudoHeaderSource(),
                    packet.addressing().pseudoHeaderDestination()));
        } catch (MobilityHeaderFormatException e) {
            return Optional.empty();
        }
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
        homeAgentTransport.setRule(PathRule.PASS);
        List<KitMobileNode> nodes;
        synchronized (mobileNodes) {
            nodes = List.copyOf(mobileNodes);
        }
        for (KitMobileNode n : nodes) {
            n.transport().setRule(PathRule.PASS);
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
