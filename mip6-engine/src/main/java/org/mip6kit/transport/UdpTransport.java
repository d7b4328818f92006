package org.mip6kit.transport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;

import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.Inbound;
import org.mip6kit.spi.Observed;
import org.mip6kit.spi.SecurityProviderException;
import org.mip6kit.spi.SignallingTransport;
import org.mip6kit.spi.TransportFactory;
import org.mip6kit.wire.HomeAddressOption;
import org.mip6kit.wire.MobilityHeaderCodec;
import org.mip6kit.wire.MobilityHeaderFormatException;
import org.mip6kit.wire.Type2RoutingHeader;
import org.mip6kit.wire.packet.MobilityPacket;
import org.mip6kit.wire.packet.MobilityPacketParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mobility Header signalling in UDP, as RFC 5555 (DSMIPv6) carries it through IPv4 networks
 * and NATs (docs/protocol-notes.md#rfc-5555-udp). Each datagram's payload is one inner IPv6 packet; the kernel
 * adds and strips the outer IP and UDP headers:
 * <pre>
 *  outer IPv4 (src V4CoA, dst HA-V4) | UDP (sport any, dport 4191) |
 *      IPv6 (src, dst) [Destination Options: HAO | type 2 routing header] | Mobility Header
 * </pre>
 *
 * <p><b>Receiving.</b> One socket serves every peer. A daemon thread reads datagrams, parses the
 * payload with {@link MobilityPacketParser} and hands the receiver an {@link Inbound} whose
 * {@link Addressing} holds the inner source and destination, the Home Address option and type 2
 * routing header if present, and as {@code outerPeer} the source address and port the socket
 * observed (after any NAT; an IPv4 peer reported by a dual-stack socket as IPv4-mapped is given
 * as its {@link java.net.Inet4Address}). Both inner layouts decode: the RFC one (source the
 * IPv4-mapped care-of address or the home address, no Home Address option, the care-of address
 * in the IPv4 Care-of Address option) and the variant with a Home Address option (TV6 of the
 * digest). A datagram that is not a well-formed IPv6 packet around a Mobility Header (another
 * IP version, a bad length, nested UDP, both a Home Address option and a routing header, more
 * than {@value #MAX_INNER_PACKET} octets) is counted in {@link Counters#malformed()}, logged at
 * DEBUG and dropped; nothing thrown while handling one datagram ends the loop. The Mobility
 * Header checksum is not checked here: that is the codec's job, with the pseudo-header addresses.
 *
 * <p><b>Sending.</b> {@link #send} needs {@link Addressing#outerPeer()}: the datagram goes there,
 * so a home agent answers to the address and port it observed. The inner packet is built with
 * {@link MobilityPacket} from the addressing, exactly as given: the engine chooses the RFC layout
 * (home address as inner source, IPv4 Care-of Address option, a type 2 routing header on the
 * Binding Acknowledgement).
 *
 * <p><b>Over IPv6.</b> The same datagrams may travel over an outer IPv6 header (bind an IPv6
 * address, send to an IPv6 peer). That is <em>this project's extension</em>, for hosts where a
 * raw Mobility Header socket is not allowed; RFC 5555 defines IPv4 only and other
 * implementations will not understand it.
 *
 * <p><b>Data packets.</b> RFC 5555 §4 carries the mobile node's data packets through the same
 * UDP port: a datagram whose payload is an IPv4 packet, or an IPv6 packet whose Next Header
 * chain (hop-by-hop, routing and destination options headers) ends in anything but a Mobility
 * Header, is data. With a {@link #onDataPacket data receiver} set it goes there, with the
 * observed peer, and never to the signalling receiver; without one it is dropped as malformed,
 * as before. {@link #sendData} sends a data packet to a peer through the same socket (so a NAT
 * keeps one mapping for signalling and data).
 *
 * <p>Thread-safe. {@code send} may be called from any thread. The socket is in blocking mode, so
 * a receive thread sleeps in one {@code recvfrom} per datagram (a selector costs two more
 * system calls per datagram when traffic is light); a send therefore waits while the socket's
 * send buffer is full, which for UDP needs a congested interface.
 *
 * <p><b>Receive threads.</b> {@link Config#receiveThreads()} threads (default 1) read the one
 * socket. The JDK lets one of them at a time wait in {@code recvfrom}; the others meanwhile
 * handle the datagram each last received, so with two threads the next datagram is read while
 * the previous one is parsed, verified and answered. The receiver is called on the receive
 * threads, concurrently when there are several, each thread one datagram at a time. Arrival
 * order is kept per thread only: two datagrams read by different threads may reach the receiver
 * in either order (the engine serialises its work per home address, and RFC 6275's sequence
 * numbers settle which of two Binding Updates of one node counts).
 */
public final class UdpTransport implements SignallingTransport {

    /** The DSMIPv6 home agent port (IANA "dsmipv6", RFC 5555). */
    public static final int DEFAULT_PORT = MobilityPacket.DSMIPV6_UDP_PORT;
    /** The largest datagram the receive buffer takes. */
    public static final int MAX_DATAGRAM = 65535;
    /**
     * The largest inner packet accepted: an IPv6 header, a type 2 routing header, a Destination
     * Options header with a Home Address option, and the longest Mobility Header.
     */
    public static final int MAX_INNER_PACKET = 40 + Type2RoutingHeader.LENGTH
            + HomeAddressOption.DESTINATION_OPTIONS_HEADER_LENGTH + MobilityHeaderCodec.MAX_LENGTH;

    private static final Logger LOG = LoggerFactory.getLogger(UdpTransport.class);
    private static final long CLOSE_WAIT_MILLIS = 2000;

    private final DatagramChannel channel;
    /**
     * Read-held by each receive thread while it handles a datagram, write-held by close(), so
     * close() never cuts a receiver call short and the receive threads never wait for each other.
     */
    private final ReentrantReadWriteLock handling = new ReentrantReadWriteLock();
    private final int receiveThreadCount;
    private final InetSocketAddress localAddress;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final LongAdder received = new LongAdder();
    private final LongAdder delivered = new LongAdder();
    private final LongAdder malformed = new LongAdder();
    private final LongAdder sent = new LongAdder();
    private final LongAdder sendFailures = new LongAdder();
    private final LongAdder receiverFailures = new LongAdder();
    private final List<Thread> receiveThreads = new ArrayList<>();
    private volatile Consumer<Inbound> receiver;
    private volatile Consumer<? super Throwable> fatalErrorHandler = error -> { };
    private volatile DataPacketReceiver dataReceiver;
    private final LongAdder dataReceived = new LongAdder();
    private final LongAdder dataSent = new LongAdder();

    /** Where data packets (RFC 5555 §4) received on the signalling socket go. */
    @FunctionalInterface
    public interface DataPacketReceiver {
        /**
         * One data packet, called on the receive thread: must not block.
         *
         * @param from the peer as observed (after any NAT; an IPv4 peer as {@link java.net.Inet4Address})
         * @param packet the UDP payload, an IPv6 or IPv4 packet, owned by the receiver
         */
        void accept(InetSocketAddress from, byte[] packet);
    }

    /** What this socket observes of every arrival: its own bound address (no IP_PKTINFO in the JDK). */
    private final Observed observed;

    private UdpTransport(DatagramChannel channel, InetSocketAddress localAddress, int receiveThreadCount) {
        this.receiveThreadCount = receiveThreadCount;
        this.observed = new Observed(ingressInterfaceOf(localAddress), Optional.of(localAddress));
        this.channel = channel;
        this.localAddress = localAddress;
    }

    /**
     * Binds a socket as {@code config} says. Datagrams that arrive before {@link #start} wait in
     * the socket's buffer.
     *
     * @throws SecurityProviderException if the socket cannot be bound (address in use,
     *         permission, no such local address); the message names the endpoint
     */
    public static UdpTransport open(Config config) {
        Objects.requireNonNull(config, "config");
        InetSocketAddress endpoint = config.endpoint();
        DatagramChannel channel = null;
        try {
            channel = DatagramChannel.open();
            if (config.receiveBufferBytes() > 0) {
                channel.setOption(StandardSocketOptions.SO_RCVBUF, config.receiveBufferBytes());
            }
            channel.bind(endpoint);
            InetSocketAddress bound = OuterEndpoint.normalised((InetSocketAddress) channel.getLocalAddress());
            return new UdpTransport(channel, bound, config.receiveThreads());
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            throw new SecurityProviderException("cannot open the RFC 5555 UDP transport on "
                    + OuterEndpoint.text(endpoint) + ": " + OuterEndpoint.bindFailure(endpoint, e), e);
        }
    }

    /** A {@link TransportFactory} that opens a transport with {@code config} each time it is called. */
    public static TransportFactory factory(Config config) {
        Objects.requireNonNull(config, "config");
        return () -> open(config);
    }

    /** The address and port the socket is bound to (the actual port when the config said 0). */
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    /**
     * Names who is told when the receive loop stops for good, so that signalling does not end
     * silently: an {@link Error} on the receive thread (an {@link OutOfMemoryError} or
     * {@link StackOverflowError} while reading or while the receiver handled a datagram), or an
     * unexpected failure of the socket. The loop has already logged it at ERROR and stopped
     * when {@code handler} is called, once, on the receive thread. The transport itself never
     * ends the process: a daemon installs a handler that stops it with a failure exit status.
     * Without a handler the failure is only logged. May be called before or after {@link #start}.
     *
     * @param handler called with what stopped the loop; what it throws is logged and ignored
     */
    public void onFatalError(Consumer<? super Throwable> handler) {
        this.fatalErrorHandler = Objects.requireNonNull(handler, "handler");
    }

    /**
     * Starts the receive threads (daemons named after the local address: {@code mip6-udp-ADDRESS},
     * then {@code mip6-udp-ADDRESS-2} and so on).
     *
     * @throws IllegalStateException if already started or closed
     */
    @Override
    public synchronized void start(Consumer<Inbound> receiver) {
        Objects.requireNonNull(receiver, "receiver");
        if (closed.get()) {
            throw new IllegalStateException(this + " is closed");
        }
        if (!receiveThreads.isEmpty()) {
            throw new IllegalStateException(this + " is already started");
        }
        this.receiver = receiver;
        for (int i = 1; i <= receiveThreadCount; i++) {
            Thread t = new Thread(this::receiveLoop, "mip6-udp-" + localAddress + (i == 1 ? "" : "-" + i));
            t.setDaemon(true);
            receiveThreads.add(t);
        }
        receiveThreads.forEach(Thread::start);
    }

    /**
     * Sends one datagram to {@code to.outerPeer()} holding the inner IPv6 packet built from
     * {@code to} and {@code octets}. Waits only while the socket's send buffer is full. The stage fails with
     * {@link IllegalArgumentException} if {@code to} has no outer peer (or an unresolved one) or
     * {@code octets} is empty or longer than {@link MobilityHeaderCodec#MAX_LENGTH}; with
     * {@link IllegalStateException} after {@link #close}; with an {@link IOException} if the
     * operating system refuses the datagram.
     *
     * @throws NullPointerException if an argument is null
     */
    @Override
    public CompletionStage<Void> send(byte[] octets, Addressing to) {
        Objects.requireNonNull(octets, "octets");
        Objects.requireNonNull(to, "to");
        if (closed.get()) {
            return CompletableFuture.failedFuture(new IllegalStateException(this + " is closed"));
        }
        if (to.outerPeer().isEmpty() || to.outerPeer().get().isUnresolved()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("the UDP transport sends to "
                    + "Addressing.outerPeer, the peer's UDP address and port, and " + to + " has "
                    + (to.outerPeer().isEmpty() ? "none" : "an unresolved one")));
        }
        if (octets.length == 0 || octets.length > MobilityHeaderCodec.MAX_LENGTH) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("a Mobility Header message is 1.."
                    + MobilityHeaderCodec.MAX_LENGTH + " octets, got " + octets.length));
        }
        InetSocketAddress peer = to.outerPeer().get();
        byte[] packet = new MobilityPacket(to.source(), to.destination(), to.homeAddressOption(),
                to.routingHeader(), Optional.empty(), octets).toBytes();
        try {
            channel.send(ByteBuffer.wrap(packet), peer);
            sent.increment();
            return CompletableFuture.completedFuture(null);
        } catch (IOException | RuntimeException e) {
            sendFailures.increment();
            if (closed.get()) {
                return CompletableFuture.failedFuture(new IllegalStateException(this + " is closed", e));
            }
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Hands data packets received on this socket to {@code receiver} from now on (null: drop
     * them as malformed again).
     */
    public void onDataPacket(DataPacketReceiver receiver) {
        this.dataReceiver = receiver;
    }

    /**
     * Sends one data packet (an IPv6 or IPv4 packet, RFC 5555 §4) to {@code peer} through this
     * socket. Called from any thread; waits only while the send buffer is full.
     *
     * @throws IOException if the operating system refuses the datagram or the socket is closed
     */
    public void sendData(InetSocketAddress peer, byte[] packet, int offset, int length) throws IOException {
        if (closed.get()) {
            throw new IOException(this + " is closed");
        }
        channel.send(ByteBuffer.wrap(packet, offset, length), peer);
        dataSent.increment();
    }

    /** Data packets received and handed to the data receiver, and data packets sent. */
    public long[] dataCounters() {
        return new long[] {dataReceived.sum(), dataSent.sum()};
    }

    /**
     * Whether a UDP payload is a data packet rather than signalling: IPv4, or IPv6 whose chain of
     * hop-by-hop (0), routing (43) and destination options (60) headers ends in anything but a
     * Mobility Header (135). A chain that runs past the packet is not judged data (the
     * signalling parser then rejects it).
     */
    static boolean isDataPacket(byte[] packet, int length) {
        if (length < 1) {
            return false;
        }
        int version = (packet[0] & 0xFF) >>> 4;
        if (version == 4) {
            return true;
        }
        if (version != 6 || length < 40) {
            return false;
        }
        int next = packet[6] & 0xFF;
        int offset = 40;
        for (int i = 0; i < 8 && (next == 0 || next == 43 || next == 60); i++) {
            if (offset + 2 > length) {
                return false;
            }
            next = packet[offset] & 0xFF;
            offset += ((packet[offset + 1] & 0xFF) + 1) * 8;
        }
        return next != 135 && next != 0 && next != 43 && next != 60;
    }

    /** A snapshot of the totals. */
    public Counters counters() {
        return new Counters(received.sum(), delivered.sum(), malformed.sum(), sent.sum(), sendFailures.sum(),
                receiverFailures.sum());
    }

    /**
     * Stops the receive threads (waiting up to two seconds for receiver calls in progress) and
     * closes the socket. Idempotent; never throws.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        boolean locked = false;
        try {
            // Once the lock is ours every receive thread is asleep in recvfrom, waiting for it, or
            // about to see `closed`; closing the channel then wakes them without cutting a
            // receiver call short. A receiver that closes its own transport holds the read lock
            // and cannot wait for itself: it closes at once.
            if (handling.getReadHoldCount() == 0) {
                locked = handling.writeLock().tryLock(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            closeQuietly(channel);
        } finally {
            if (locked) {
                handling.writeLock().unlock();
            }
        }
        List<Thread> threads;
        synchronized (this) {
            threads = List.copyOf(receiveThreads);
        }
        for (Thread thread : threads) {
            if (thread != Thread.currentThread()) {
                try {
                    thread.join(CLOSE_WAIT_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    @Override
    public String toString() {
        return "UdpTransport[" + localAddress + (closed.get() ? ", closed" : "") + "]";
    }

    private void receiveLoop() {
        try {
            receiveUntilClosed();
        } catch (Error e) {
            LOG.error("{}: receive loop stopped by {}; no more signalling is received", this, e.toString(), e);
            reportFatal(e);
        }
    }

    private void receiveUntilClosed() {
        ByteBuffer buffer = ByteBuffer.allocateDirect(MAX_DATAGRAM);
        while (!closed.get()) {
            buffer.clear();
            SocketAddress from;
            try {
                from = channel.receive(buffer);
            } catch (ClosedChannelException e) {
                if (!closed.get()) {
                    LOG.error("{}: socket closed under the receive loop; no more signalling is received", this, e);
                    reportFatal(e);
                }
                return;
            } catch (IOException e) {
                // An ICMP error reported on the socket, for instance: the next datagram may be fine.
                LOG.warn("{}: receive failed: {}", this, e.toString());
                continue;
            } catch (RuntimeException e) {
                LOG.error("{}: receive loop stopped; no more signalling is received", this, e);
                reportFatal(e);
                return;
            }
            handling.readLock().lock(); // shared: receive threads never wait for each other here
            try {
                if (closed.get()) {
                    return;
                }
                buffer.flip();
                handle((InetSocketAddress) from, buffer);
            } finally {
                handling.readLock().unlock();
            }
        }
    }

    private void reportFatal(Throwable e) {
        try {
            fatalErrorHandler.accept(e);
        } catch (Throwable handlerFailed) {
            LOG.error("{}: the fatal error handler failed", this, handlerFailed);
        }
    }

    private void handle(InetSocketAddress from, ByteBuffer datagram) {
        received.increment();
        InetSocketAddress peer;
        Inbound inbound;
        try {
            peer = OuterEndpoint.normalised(from);
            int length = datagram.remaining();
            DataPacketReceiver data = dataReceiver;
            if (data != null && length > 0) {
                byte[] packet = new byte[length];
                datagram.get(packet);
                if (isDataPacket(packet, length)) {
                    dataReceived.increment();
                    try {
                        data.accept(peer, packet);
                    } catch (RuntimeException e) {
                        receiverFailures.increment();
                        LOG.error("{}: data receiver failed on a packet from {}", this, from, e);
                    }
                    return;
                }
                datagram.rewind();
            }
            if (length == 0 || length > MAX_INNER_PACKET) {
                dropMalformed(from, "a datagram of " + length + " octets; an inner packet has 1.."
                        + MAX_INNER_PACKET);
                return;
            }
            byte[] packet = new byte[length];
            datagram.get(packet);
            int version = (packet[0] & 0xFF) >>> 4;
            if (version != 6) {
                dropMalformed(from, "the UDP payload is IP version " + version
                        + "; signalling is an inner IPv6 packet (RFC 5555)");
                return;
            }
            MobilityPacket parsed = MobilityPacketParser.parse(packet);
            if (parsed.udpEncapsulation().isPresent()) {
                dropMalformed(from, "the inner packet is UDP-encapsulated again; encapsulation is one level deep");
                return;
            }
            if (parsed.homeAddressOption().isPresent() && parsed.type2RoutingHeader().isPresent()) {
                dropMalformed(from, "the inner packet carries both a Home Address option and a type 2 "
                        + "routing header; a Mobility Header message has one or the other (RFC 6275 §6.1)");
                return;
            }
            Addressing addressing = new Addressing(parsed.source(), parsed.destination(),
                    parsed.homeAddressOption(), parsed.type2RoutingHeader(), Optional.of(peer));
            inbound = Inbound.wrapping(parsed.mobilityHeader(), addressing, observed); // a fresh copy: no second one
        } catch (MobilityHeaderFormatException e) {
            dropMalformed(from, e.getMessage());
            return;
        } catch (RuntimeException e) {
            malformed.increment();
            LOG.error("{}: unexpected failure handling a datagram from {}; dropped", this, from, e);
            return;
        }
        delivered.increment();
        try {
            receiver.accept(inbound);
        } catch (RuntimeException e) {
            receiverFailures.increment();
            LOG.error("{}: receiver failed on {}", this, inbound, e);
        }
    }

    private void dropMalformed(InetSocketAddress from, String why) {
        malformed.increment();
        LOG.debug("{}: dropped a malformed datagram from {}: {}", this, from, why);
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            LOG.debug("closing {} failed", c, e);
        }
    }

    /**
     * Where the transport's socket is bound.
     *
     * @param bindAddress        the local address: {@code ::} for a dual-stack home agent (IPv4
     *                           peers then arrive IPv4-mapped and are reported as IPv4), the care-of
     *                           address for a mobile node
     * @param port               the local port, 0..65535; 0 picks an ephemeral port (a mobile node)
     * @param receiveBufferBytes the socket receive buffer (SO_RCVBUF) to ask for; 0 keeps the
     *                           operating system's default
     * @param receiveThreads     the threads that read the socket, 1..{@value #MAX_RECEIVE_THREADS}
     *                           (see the class comment, "Receive threads")
     */
    public record Config(InetAddress bindAddress, int port, int receiveBufferBytes, int receiveThreads) {

        /** The receive buffer a home agent asks for: bursts of BUs from many mobile nodes. */
        public static final int DEFAULT_RECEIVE_BUFFER_BYTES = 1 << 20;
        /**
         * One receive thread unless configured: a second one only pays where a core is free for it
         * (docs/performance.md#receive-threads), and one keeps arrival order.
         */
        public static final int DEFAULT_RECEIVE_THREADS = 1;
        /** The most receive threads a transport starts. */
        public static final int MAX_RECEIVE_THREADS = 64;

        /**
         * @throws NullPointerException if {@code bindAddress} is null
         * @throws IllegalArgumentException if the port is outside 0..65535, the buffer size negative
         *         or the thread count outside 1..{@value #MAX_RECEIVE_THREADS}
         */
        public Config {
            Objects.requireNonNull(bindAddress, "bindAddress");
            if (port < 0 || port > 0xFFFF) {
                throw new IllegalArgumentException("UDP port " + port + " outside 0..65535");
            }
            if (receiveBufferBytes < 0) {
                throw new IllegalArgumentException("receive buffer of " + receiveBufferBytes
                        + " octets; give a positive size, or 0 for the operating system's default");
            }
            if (receiveThreads < 1 || receiveThreads > MAX_RECEIVE_THREADS) {
                throw new IllegalArgumentException(receiveThreads + " receive threads; give 1.." + MAX_RECEIVE_THREADS);
            }
        }

        /** A config with {@value #DEFAULT_RECEIVE_THREADS} receive thread. */
        public Config(InetAddress bindAddress, int port, int receiveBufferBytes) {
            this(bindAddress, port, receiveBufferBytes, DEFAULT_RECEIVE_THREADS);
        }

        /** A home agent on every address, dual-stack, port {@value UdpTransport#DEFAULT_PORT}. */
        public static Config homeAgent() {
            try {
                return homeAgent(InetAddress.getByAddress(new byte[16]));
            } catch (UnknownHostException e) {
                throw new AssertionError("16 octets are always an address", e);
            }
        }

        /** A home agent on {@code bindAddress}, port {@value UdpTransport#DEFAULT_PORT}. */
        public static Config homeAgent(InetAddress bindAddress) {
            return new Config(bindAddress, DEFAULT_PORT, DEFAULT_RECEIVE_BUFFER_BYTES);
        }

        /** A mobile node: an ephemeral port on its care-of address, the default receive buffer. */
        public static Config ephemeral(InetAddress bindAddress) {
            return new Config(bindAddress, 0, 0);
        }

        public Config withPort(int newPort) {
            return new Config(bindAddress, newPort, receiveBufferBytes, receiveThreads);
        }

        public Config withReceiveBufferBytes(int bytes) {
            return new Config(bindAddress, port, bytes, receiveThreads);
        }

        public Config withReceiveThreads(int threads) {
            return new Config(bindAddress, port, receiveBufferBytes, threads);
        }

        /** The socket address to bind. */
        public InetSocketAddress endpoint() {
            return new InetSocketAddress(bindAddress, port);
        }
    }

    /**
     * Totals since the transport was opened.
     *
     * @param received         datagrams read from the socket
     * @param delivered        datagrams handed to the receiver
     * @param malformed        datagrams dropped as not well-formed IPv6 around a Mobility Header
     * @param sent             datagrams handed to the operating system
     * @param sendFailures     sends that failed (buffer full, I/O error)
     * @param receiverFailures deliveries whose receiver threw (also counted as delivered)
     */
    public record Counters(long received, long delivered, long malformed, long sent, long sendFailures,
                           long receiverFailures) {
    }

    /**
     * The interface of a socket bound to one address; empty for a wildcard bind, where the JDK
     * cannot tell which interface a datagram came in on.
     */
    private static Optional<String> ingressInterfaceOf(InetSocketAddress local) {
        if (local.getAddress() == null || local.getAddress().isAnyLocalAddress()) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(java.net.NetworkInterface.getByInetAddress(local.getAddress()))
                    .map(java.net.NetworkInterface::getName);
        } catch (java.net.SocketException e) {
            return Optional.empty();
        }
    }
}
