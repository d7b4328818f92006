package org.mip6kit.benchmarks.load;

import java.io.BufferedWriter;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.HdrHistogram.Histogram;
import org.mip6kit.engine.ExecutorScheduler;
import org.mip6kit.provider.tls.TlsChannelProvider;
import org.mip6kit.provider.tls.protect.PacketProtection;
import org.mip6kit.provider.tls.stream.DemoCertificates;
import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.BootstrapRequest;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.Inbound;
import org.mip6kit.spi.MobileNodeSecurity;
import org.mip6kit.spi.ProviderContext;
import org.mip6kit.spi.SignallingPath;
import org.mip6kit.spi.SignallingTransport;
import org.mip6kit.spi.StandardProviderContext;
import org.mip6kit.spi.Verdict;
import org.mip6kit.spi.net.Datagram;
import org.mip6kit.spi.net.ProviderNetwork;
import org.mip6kit.spi.net.StreamConnection;
import org.mip6kit.spi.net.StreamListener;
import org.mip6kit.spi.net.UdpEndpoint;
import org.mip6kit.transport.SocketProviderNetwork;
import org.mip6kit.wire.AlternateCareOfAddress;
import org.mip6kit.wire.BindingAcknowledgement;
import org.mip6kit.wire.BindingUpdate;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;
import org.mip6kit.wire.MobilityHeaderCodec;
import org.mip6kit.wire.MobilityHeaderFormatException;
import org.mip6kit.wire.MobilityMessage;
import org.mip6kit.wire.SequenceNumber;

/**
 * N simulated {@code tls-channel} mobile nodes of mode {@code rfc6618}: each is the provider's own
 * mobile-node side ({@link TlsChannelProvider#mobileNode}, a real {@code MobileNodeSecurity}
 * driven through the SPI without the mobile-node engine), configured with its MN-ID
 * ({@link NodeKeys#nai}), a PSK file, the Home Agent Controller's address and name and the demo CA
 * as trust anchor. {@link #bootstrap} runs every node's RFC 6618 bootstrap (a TCP connection to
 * the controller, TLS 1.2 with its ECDSA P-256 certificate, the PSK exchange, the assignment of a
 * home address and a security association), at most C at once; afterwards each node's Binding
 * Updates are sealed with its association by the provider and the Binding Acknowledgements opened,
 * decoded (checksum checked) and verified by the node's own path.
 *
 * <p><b>One socket for all nodes.</b> A real rfc6618 node binds a UDP endpoint of its own, and on
 * the operating system's sockets that is a socket and a receive thread per node: this machine's
 * 20,000 open files and one JVM's threads stop that near 10⁴ nodes. So each node gets a
 * {@link ProviderNetwork} of its own whose TCP connects are the operating system's (the bootstrap
 * is real) but whose UDP endpoint is a share of one real endpoint on {@code [::1]}: a node's
 * datagrams leave from that socket, and a datagram that arrives is handed to the node whose
 * association's SPI it names (RFC 6618 uses one SPI for both directions; the SPI is learned from
 * the node's first sealed packet). The home agent therefore sees every node at the same UDP peer,
 * which it allows (an association's peer is the source of its last authentic packet); the
 * load generator's RFC 4285 nodes share one socket the same way.
 *
 * <p><b>Echo.</b> In an echo phase each node's sealed Binding Update goes to the echo instead of
 * the home agent's endpoint; the echo returns it unchanged, and the node's path tries to open it,
 * computing the integrity check with the home agent's direction keys, and refuses it (wrong
 * direction). That is the client's work on a Binding Acknowledgement up to the integrity check,
 * without the decode and verdict (a few µs: the ceiling is slightly generous). An echo counts as
 * completed once the path has refused it; one the path opened would be a failure
 * ({@code echo-opened}).
 */
final class TlsChannelNodes extends NodeFleet {

    /** How {@code SocketProviderNetwork} names a UDP endpoint's receive thread: the client has one. */
    static final String RECEIVE_THREAD_PREFIX = "mip6-provider-udp-";
    /** The Home Agent Controller's DNS name in its certificate, as the nodes are configured with it. */
    static final String HAC_NAME = "hac.bench.example";
    static final String SECTION = "security." + TlsChannelProvider.NAME;

    /** The files one run needs, in an owner-only directory deleted at the end. */
    record Secrets(Path dir, Path pskTable, DemoCertificates.Written pki) {
        /** The files {@link #writeSecrets} wrote into {@code dir}. */
        static Secrets in(Path dir) {
            Path pki = dir.resolve("pki");
            return new Secrets(dir, dir.resolve("psk-table"), new DemoCertificates.Written(pki.resolve("ca.pem"),
                    pki.resolve("hac.pem"), pki.resolve("hac.key")));
        }

        Path pskFile(int i) {
            return dir.resolve("psk").resolve(Integer.toString(i));
        }

        void delete() {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                System.err.println("bench: could not delete " + dir + ": " + e.getMessage());
            }
        }
    }

    /**
     * Writes the controller's PSK table (a line {@code <mn-id> <hex key>} per node, 0600), one PSK
     * file per node (0600) and the demo PKI (a CA and the controller's ECDSA P-256 certificate and
     * key) into a new 0700 temporary directory.
     */
    static Secrets writeSecrets(NodeKeys keys) throws IOException {
        FileAttribute<?> dirOnly = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
        Path dir = Files.createTempDirectory("mip6kit-bench-tls-", dirOnly);
        Files.createDirectory(dir.resolve("psk"), dirOnly);
        Path table = privateFile(dir.resolve("psk-table"));
        try (BufferedWriter w = Files.newBufferedWriter(table, StandardCharsets.US_ASCII)) {
            w.write("# mip6kit load generator: " + keys.count() + " simulated mobile nodes (deleted on exit)\n");
            for (int i = 0; i < keys.count(); i++) {
                w.write(NodeKeys.nai(i) + " " + keys.keyHex(i) + "\n");
            }
        }
        Secrets s = new Secrets(dir, table, DemoCertificates.write(dir.resolve("pki"), HAC_NAME));
        for (int i = 0; i < keys.count(); i++) {
            Files.writeString(privateFile(s.pskFile(i)), keys.keyHex(i) + "\n", StandardCharsets.US_ASCII);
        }
        return s;
    }

    private static Path privateFile(Path p) throws IOException {
        return Files.createFile(p, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }

    private static final SignallingTransport NO_ENGINE_TRANSPORT = new SignallingTransport() {
        @Override
        public void start(Consumer<Inbound> receiver) {
        }

        @Override
        public CompletionStage<Void> send(byte[] octets, Addressing to) {
            throw new IllegalStateException("rfc6618 sends on its own UDP endpoint");
        }

        @Override
        public void close() {
        }
    };

    private final Secrets secrets;
    private final InetSocketAddress hac;
    private final Lifetime lifetime;
    private final TlsChannelProvider factory = new TlsChannelProvider();
    private final MobilityHeaderCodec codec;
    private final ExecutorScheduler scheduler = new ExecutorScheduler("bench-mn", 1);
    private final SocketProviderNetwork sockets = new SocketProviderNetwork();
    private final UdpEndpoint shared;
    private final AtomicReferenceArray<Consumer<Datagram>> receivers;
    private final Map<Integer, Integer> nodeBySpi = new ConcurrentHashMap<>();
    private final MobileNodeSecurity[] nodes;
    private final SignallingPath[] paths;
    private final Ipv6Address[] homeAddress;
    private final int[] sequence;
    private final LongAdder providerEvents = new LongAdder();
    private InetSocketAddress redirect; // sender thread only: the echo during an echo phase
    private long arrival; // receive thread only: when the datagram being handled arrived

    TlsChannelNodes(int n, Secrets secrets, InetSocketAddress hac, Lifetime lifetime, long timeoutMillis) {
        super(n, timeoutMillis);
        this.secrets = secrets;
        this.hac = hac;
        this.lifetime = lifetime;
        this.codec = SimulatedNodes.codec(factory);
        this.receivers = new AtomicReferenceArray<>(n);
        this.nodes = new MobileNodeSecurity[n];
        this.paths = new SignallingPath[n];
        this.homeAddress = new Ipv6Address[n];
        this.sequence = new int[n];
        try {
            this.shared = sockets.bindUdp(new InetSocketAddress(InetAddress.getByName("::1"), 0));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        shared.start(this::receive);
    }

    @Override
    String receiveThreadPrefix() {
        return RECEIVE_THREAD_PREFIX;
    }

    /**
     * Every node's RFC 6618 bootstrap with the controller, at most {@code concurrency} at once, then
     * its path (its share of the UDP endpoint). Latency: from the call to {@code bootstrap} to its
     * completion. {@code accepted} counts the nodes provisioned; failures by exception type.
     */
    PhaseResult bootstrap(int concurrency) throws Exception {
        Histogram latency = newHistogram();
        Map<String, LongAdder> failures = new ConcurrentHashMap<>();
        LongAdder ok = new LongAdder();
        Semaphore slots = new Semaphore(concurrency);
        int n = count();
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            int node = i;
            ConfigSection section = ConfigSection.of(SECTION, null, Map.of(
                    "mode", "rfc6618",
                    "mn-id", NodeKeys.nai(i),
                    "psk-file", secrets.pskFile(i).toString(),
                    "hac", "[" + hac.getAddress().getHostAddress() + "]:" + hac.getPort(),
                    "hac-name", HAC_NAME,
                    "trust-anchors", secrets.pki().caCertificate().toString()));
            slots.acquire();
            long t0 = System.nanoTime();
            MobileNodeSecurity sec = factory.mobileNode(context(i), section);
            nodes[i] = sec;
            // The home agent's address is configured, as a mobile-node daemon has it (the controller's
            // mip6-haa-ip6 is the endpoint [::1], not the home agent address the checksum is over).
            sec.bootstrap(new BootstrapRequest(BootstrapRequest.Want.HOME_ADDRESS, false, Optional.empty(),
                    Optional.of(NodeKeys.HOME_AGENT), NodeKeys.careOf(i, 0))).whenComplete((r, e) -> {
                        long t = System.nanoTime() - t0;
                        if (e == null) {
                            homeAddress[node] = r.homeAddress().orElse(null);
                            synchronized (latency) {
                                latency.recordValue(Math.min(t, latency.getHighestTrackableValue()));
                            }
                            ok.increment();
                        } else {
                            Throwable c = e.getCause() != null ? e.getCause() : e;
                            failures.computeIfAbsent("bootstrap-" + c.getClass().getSimpleName(),
                                    k -> new LongAdder()).increment();
                        }
                        slots.release();
                    });
        }
        slots.acquire(concurrency);
        double seconds = (System.nanoTime() - start) / 1e9;
        for (int i = 0; i < n; i++) {
            if (homeAddress[i] != null) {
                int node = i;
                paths[i] = nodes[i].path(() -> NO_ENGINE_TRANSPORT);
                paths[i].start(in -> delivered(node, in));
            }
        }
        Map<String, Long> f = new java.util.HashMap<>();
        failures.forEach((k, v) -> f.put(k, v.sum()));
        long provisioned = ok.sum();
        return new PhaseResult("bootstrap", "ha", concurrency, 0, n, provisioned + f.values().stream()
                .mapToLong(Long::longValue).sum(), provisioned, seconds, latency, f, newHistogram(), newHistogram(), 0,
                PhaseCost.UNMEASURED);
    }

    /** Node {@code i}'s provider context: shared clock, scheduler and codec; its own network. */
    private ProviderContext context(int i) {
        return StandardProviderContext.builder(ProviderContext.Role.MOBILE_NODE)
                .clock(Clock.systemUTC()).scheduler(scheduler).codec(codec)
                .events(e -> providerEvents.increment()).network(new NodeNetwork(i)).build();
    }

    @Override
    void send(int i, Kind kind, Optional<InetSocketAddress> server) {
        SignallingPath path = paths[i];
        if (path == null) { // its bootstrap failed
            sending(i, System.nanoTime());
            sendFailed(i);
            return;
        }
        if (kind == Kind.MOVE) {
            throw new UnsupportedOperationException("tls-channel nodes do not move in this load generator");
        }
        redirect = echoPhase() ? server.orElseThrow() : null;
        int seq = (sequence[i] + 1) & 0xFFFF;
        sequence[i] = seq;
        Ipv6Address careOf = NodeKeys.careOf(i, 0);
        // As MobileNodeEngine builds it for a provider that NEEDS_ALTERNATE_COA: A|H, the Alternate
        // Care-of Address option (RFC 6618 carries no IPv6 header, so the care-of address travels there).
        BindingUpdate bu = new BindingUpdate(SequenceNumber.of(seq), SimulatedNodes.FLAGS,
                kind == Kind.DEREGISTER ? Lifetime.ZERO : lifetime, List.of(new AlternateCareOfAddress(careOf)));
        Addressing to = new Addressing(careOf, NodeKeys.HOME_AGENT, Optional.of(homeAddress[i]), Optional.empty(),
                Optional.empty());
        path.send(bu, to, Optional.empty()).whenComplete((v, e) -> {
            if (e != null) {
                sendFailed(i);
            }
        });
    }

    /** The shared endpoint's receive thread: hand the datagram to the node whose SPI it names. */
    private void receive(Datagram d) {
        long now = System.nanoTime();
        byte[] p = d.payload();
        Integer i = nodeBySpi.get(PacketProtection.peekSpi(p));
        Consumer<Datagram> r = i == null ? null : receivers.get(i);
        if (r == null) {
            fail("stray");
            return;
        }
        arrival = now;
        r.accept(d); // the node's path opens it and, if it verifies, calls delivered on this thread
        if (echoPhase()) {
            answered(i, now, false, null);
        }
    }

    /** A packet node {@code i}'s path opened (integrity and replay window passed): decode, verify, count. */
    private void delivered(int i, Inbound in) {
        long now = arrival;
        if (echoPhase()) {
            answered(i, now, false, "echo-opened");
            return;
        }
        Addressing a = in.addressing();
        MobilityMessage m;
        try {
            m = codec.decode(in.octets(), a.pseudoHeaderSource(), a.pseudoHeaderDestination());
        } catch (MobilityHeaderFormatException e) {
            answered(i, now, false, "malformed");
            return;
        }
        Verdict v = paths[i].verify(in, m).toCompletableFuture().join();
        if (v instanceof Verdict.Accept && m instanceof BindingAcknowledgement ba) {
            boolean ok = ba.status().isAccepted();
            answered(i, now, ok, ok ? null : "status-" + ba.status().code());
        } else {
            answered(i, now, false, v instanceof Verdict.Accept ? "not-a-ba" : "unverified");
        }
    }

    /** Node {@code i}'s network: real TCP (the bootstrap), its share of the one UDP endpoint. */
    private final class NodeNetwork implements ProviderNetwork {
        private final int node;

        NodeNetwork(int node) {
            this.node = node;
        }

        @Override
        public UdpEndpoint bindUdp(InetSocketAddress local) {
            return new NodeEndpoint(node);
        }

        @Override
        public SignallingTransport openMobilityHeaderSocket(Optional<String> interfaceName) {
            throw new UnsupportedOperationException("no raw Mobility Header socket in the load generator");
        }

        @Override
        public CompletionStage<StreamConnection> connectTcp(InetSocketAddress remote) {
            return sockets.connectTcp(remote);
        }

        @Override
        public StreamListener listenTcp(InetSocketAddress local, Consumer<StreamConnection> accepted) {
            throw new UnsupportedOperationException("a mobile node does not listen");
        }
    }

    /** Node {@code i}'s share of the one UDP endpoint. */
    private final class NodeEndpoint implements UdpEndpoint {
        private final int node;
        private volatile Consumer<Datagram> receiver;

        NodeEndpoint(int node) {
            this.node = node;
        }

        @Override
        public InetSocketAddress localAddress() {
            return shared.localAddress();
        }

        @Override
        public void start(Consumer<Datagram> r) {
            receiver = r;
            receivers.set(node, r);
        }

        @Override
        public CompletionStage<Void> send(byte[] payload, InetSocketAddress to) {
            nodeBySpi.putIfAbsent(PacketProtection.peekSpi(payload), node);
            InetSocketAddress target = redirect;
            sending(node, System.nanoTime()); // after sealing: the clock measures the round trip
            return shared.send(payload, target != null ? target : to);
        }

        @Override
        public void close() {
            Consumer<Datagram> r = receiver;
            if (r != null) {
                receivers.compareAndSet(node, r, null);
            }
        }
    }

    @Override
    public void close() {
        super.close();
        for (MobileNodeSecurity s : nodes) {
            if (s != null) {
                s.close();
            }
        }
        shared.close();
        sockets.close();
        scheduler.shutdown(Duration.ofSeconds(1));
    }
}
