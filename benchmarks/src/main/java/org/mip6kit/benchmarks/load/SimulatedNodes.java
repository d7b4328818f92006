package org.mip6kit.benchmarks.load;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

import org.mip6kit.engine.ExecutorScheduler;
import org.mip6kit.provider.auth4285.AuthOption4285Provider;
import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.BootstrapRequest;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.Inbound;
import org.mip6kit.spi.MobileNodeSecurity;
import org.mip6kit.spi.ProviderConfigException;
import org.mip6kit.spi.ProviderContext;
import org.mip6kit.spi.StandardProviderContext;
import org.mip6kit.spi.SecurityProviderFactory;
import org.mip6kit.spi.SignallingPath;
import org.mip6kit.spi.SignallingTransport;
import org.mip6kit.spi.Verdict;
import org.mip6kit.transport.UdpTransport;
import org.mip6kit.wire.BindingAcknowledgement;
import org.mip6kit.wire.BindingUpdate;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;
import org.mip6kit.wire.MobilityHeaderCodec;
import org.mip6kit.wire.MobilityHeaderFormatException;
import org.mip6kit.wire.MobilityMessage;
import org.mip6kit.wire.MobilityOptionCodec;
import org.mip6kit.wire.MobilityOptionRegistry;
import org.mip6kit.wire.SequenceNumber;

/**
 * N simulated mobile nodes behind one UDP socket. Each node is the provider's own mobile-node
 * side ({@link SecurityProviderFactory#mobileNode}, configured with the node's NAI, SPI and key),
 * so Binding Updates are protected (MN-ID, replay timestamp, MN-HA authenticator) and
 * acknowledgements verified by exactly the code a real mobile node runs; only the mobile-node
 * <em>engine</em> (retransmission timers, Binding Update List) is left out, because one per node
 * would not fit a million nodes. The Binding Update is built as {@code MobileNodeEngine} builds it
 * for an IPv6 care-of address: A|H, the lifetime, no options of its own; source the care-of
 * address, Home Address option.
 *
 * <p>Client-side work per request is the same whichever server answers: build and sign the BU
 * (provider), send it, receive the answer, parse the inner packet ({@link UdpTransport}), decode
 * it with the checksum checked, hand it to the node's provider path to verify. The echo returns the
 * BU itself, which the provider refuses at its first check (the source is not the home agent); so
 * that the client still computes the MAC it would have computed on an acknowledgement, an echoed
 * BU's authenticator is verified with the node's key ({@link EchoAuthenticatorCheck}).
 *
 * <p>Latency runs from the moment the signed Binding Update is handed to the socket (taken in the
 * transport wrapper, after signing) to the moment its answer was matched. For a paced phase the
 * sender also records how late each send was against the schedule ({@link PhaseResult#sendLag()}):
 * a send that is late does not start its clock late silently.
 *
 * <p>Threads: one sender (the caller of {@link #run}), the socket's receive thread, and a
 * watchdog that times out requests unanswered after {@code timeout}. No retransmission: an
 * unanswered request is a {@code timeout} failure.
 *
 * <p>Garbage: one JVM holds every node's provider state, and each node's provider keeps its last
 * Binding Updates to match acknowledgements against, so everything a send leaves in that record
 * survives young collections and is copied by them. The node's addresses and the sequence numbers
 * are therefore shared instances, not new ones per send.
 */
final class SimulatedNodes extends NodeFleet {

    /** How {@link UdpTransport} names its receive thread: the client JVM has one. */
    static final String RECEIVE_THREAD_PREFIX = "mip6-udp-";

    /** A|H: a home registration that asks for an acknowledgement, as {@code MobileNodeEngine} sends it. */
    static final Set<BindingUpdate.Flag> FLAGS =
            Set.copyOf(EnumSet.of(BindingUpdate.Flag.ACKNOWLEDGE, BindingUpdate.Flag.HOME_REGISTRATION));
    private static final SequenceNumber[] SEQUENCE_NUMBERS = new SequenceNumber[0x10000];

    static {
        for (int s = 0; s < SEQUENCE_NUMBERS.length; s++) {
            SEQUENCE_NUMBERS[s] = SequenceNumber.of(s);
        }
    }

    private record Node(MobileNodeSecurity security, SignallingPath path) {
    }

    private final NodeKeys keys;
    private final SecurityProviderFactory factory = new AuthOption4285Provider();
    private final ProviderContext context;
    private final MobilityHeaderCodec codec;
    private final ExecutorScheduler scheduler = new ExecutorScheduler("bench-mn", 1);
    private final UdpTransport socket;
    private final SignallingTransport shared;
    private final AtomicReferenceArray<Node> nodes;
    private final int[] sequence;
    private final short[] generation;
    private final Ipv6Address[] homeAddress;
    private final Ipv6Address[] careOf;
    private final EchoAuthenticatorCheck echoCheck;
    private final Lifetime lifetime;
    private final LongAdder providerEvents = new LongAdder();

    SimulatedNodes(NodeKeys keys, Lifetime lifetime, long timeoutMillis) throws Exception {
        super(keys.count(), timeoutMillis);
        this.keys = keys;
        this.lifetime = lifetime;
        this.codec = codec(factory);
        this.context = StandardProviderContext.builder(ProviderContext.Role.MOBILE_NODE)
                .clock(java.time.Clock.systemUTC()).scheduler(scheduler).codec(codec)
                .events(e -> providerEvents.increment()).build();
        int n = keys.count();
        this.nodes = new AtomicReferenceArray<>(n);
        this.sequence = new int[n];
        this.generation = new short[n];
        this.homeAddress = new Ipv6Address[n];
        this.careOf = new Ipv6Address[n];
        for (int i = 0; i < n; i++) {
            homeAddress[i] = NodeKeys.homeAddress(i);
            careOf[i] = NodeKeys.careOf(i, 0);
        }
        this.echoCheck = new EchoAuthenticatorCheck(keys);
        // The client stays on the JDK's one-datagram path, so that its cost is the same whatever the
        // home agent's transport does (and comparable with runs before batched I/O).
        this.socket = UdpTransport.open(new UdpTransport.Config(InetAddress.getByName("::1"), 0, 4 << 20)
                .withNativeIo(UdpTransport.NativeIo.OFF));
        this.shared = new SignallingTransport() {
            @Override
            public void start(java.util.function.Consumer<Inbound> receiver) {
                // the shared socket is started once, below
            }

            @Override
            public CompletionStage<Void> send(byte[] octets, Addressing to) {
                // The request's clock starts here, after signing: what it measures is the round trip.
                sending(keys.indexOf(to.homeAddressOption().orElse(null)), System.nanoTime());
                return socket.send(octets, to);
            }

            @Override
            public void close() {
                // closed with the generator
            }
        };
        socket.start(this::receive);
    }

    @Override
    String receiveThreadPrefix() {
        return RECEIVE_THREAD_PREFIX;
    }

    /** Creates every node's provider side now, so that no phase pays for it. */
    void createAll() throws ProviderConfigException {
        for (int i = 0; i < keys.count(); i++) {
            node(i);
        }
    }

    /** The Mobility Header codec with the provider's options registered. */
    static MobilityHeaderCodec codec(SecurityProviderFactory factory) {
        MobilityOptionRegistry registry = MobilityOptionRegistry.standard();
        for (MobilityOptionCodec<?> c : factory.optionCodecs()) {
            registry = registry.with(c);
        }
        return new MobilityHeaderCodec(registry);
    }

    /** Node {@code i}'s mobile-node side of the provider, configured from {@code keys} and bootstrapped. */
    static MobileNodeSecurity mobileNode(SecurityProviderFactory factory, ProviderContext context, NodeKeys keys, int i)
            throws ProviderConfigException {
        Map<String, Object> cfg = new HashMap<>();
        cfg.put("nai", NodeKeys.nai(i));
        cfg.put("spi", Long.toString(NodeKeys.spi(i)));
        cfg.put("key", keys.keyHex(i));
        cfg.put("home-address", NodeKeys.homeAddress(i).toString());
        cfg.put("home-agent", NodeKeys.HOME_AGENT.toString());
        MobileNodeSecurity sec = factory.mobileNode(context,
                ConfigSection.of("security." + AuthOption4285Provider.NAME, null, cfg));
        sec.bootstrap(new BootstrapRequest(BootstrapRequest.Want.HOME_ADDRESS, false, Optional.empty(),
                Optional.empty(), NodeKeys.careOf(i, 0))).toCompletableFuture().join();
        return sec;
    }

    private Node node(int i) throws ProviderConfigException {
        Node n = nodes.get(i);
        if (n != null) {
            return n;
        }
        MobileNodeSecurity sec = mobileNode(factory, context, keys, i);
        SignallingPath path = sec.path(() -> shared);
        path.start(in -> { });
        n = new Node(sec, path);
        nodes.set(i, n);
        return n;
    }

    @Override
    void send(int i, Kind kind, Optional<InetSocketAddress> endpoint) throws ProviderConfigException {
        Node node = node(i);
        int seq = (sequence[i] + 1) & 0xFFFF;
        sequence[i] = seq;
        if (kind == Kind.MOVE) {
            generation[i]++;
            careOf[i] = NodeKeys.careOf(i, generation[i]);
        }
        BindingUpdate bu = new BindingUpdate(SEQUENCE_NUMBERS[seq], FLAGS,
                kind == Kind.DEREGISTER ? Lifetime.ZERO : lifetime, List.of());
        Addressing to = new Addressing(careOf[i], NodeKeys.HOME_AGENT, Optional.of(homeAddress[i]),
                Optional.empty(), endpoint);
        node.path().send(bu, to, Optional.empty()).whenComplete((v, e) -> {
            if (e != null) {
                sendFailed(i);
            }
        });
    }

    /** The socket's receive thread: decode, verify with the node's provider path, match, record. */
    private void receive(Inbound in) {
        long now = System.nanoTime();
        Addressing a = in.addressing();
        Ipv6Address hoa = a.routingHeader().orElseGet(() -> a.homeAddressOption().orElse(null));
        int i = keys.indexOf(hoa);
        if (i < 0) {
            fail("stray");
            return;
        }
        byte[] octets = in.octets(); // a copy each call
        MobilityMessage m;
        try {
            m = codec.decode(octets, a.pseudoHeaderSource(), a.pseudoHeaderDestination());
        } catch (MobilityHeaderFormatException e) {
            fail("malformed");
            return;
        }
        Node node = nodes.get(i);
        // The client's provider decides at once (RFC 4285 MN-HA): the stage is already complete.
        Verdict v = node.path().verify(in, m).toCompletableFuture().join();
        if (echoPhase()) {
            answered(i, now, false, echoCheck.verifies(i, octets, m, a) ? null : "echo-unverified");
        } else if (v instanceof Verdict.Accept && m instanceof BindingAcknowledgement ba) {
            boolean ok = ba.status().isAccepted();
            answered(i, now, ok, ok ? null : "status-" + ba.status().code());
        } else {
            answered(i, now, false, v instanceof Verdict.Accept ? "not-a-ba" : "unverified");
        }
    }

    @Override
    public void close() {
        super.close();
        socket.close();
        scheduler.shutdown(java.time.Duration.ofSeconds(1));
        for (int i = 0; i < nodes.length(); i++) {
            Node n = nodes.get(i);
            if (n != null) {
                n.security().close();
            }
        }
    }
}
