package org.mip6kit.transport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
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
import org.mip6kit.wire.Ipv6Address;
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
 * a receive thread sleeps in the kernel until a datagram comes (a selector costs two more
 * system calls per datagram when traffic is light); a send therefore waits while the socket's
 * send buffer is full, which for UDP needs a congested interface.
 *
 * <p><b>Batches.</b> On 64-bit Linux with jnr-ffi on the class path, and unless
 * {@link Config#nativeIo()} says {@link NativeIo#OFF} or {@link Config#batchSize()} is 1, a
 * receive thread reads with {@code recvmmsg}: it waits for one datagram and takes up to
 * {@code batchSize} that are already queued, in one system call. It hands them to the receiver
 * one at a time, in arrival order, as it would have one by one. What the receiver sends on that
 * thread meanwhile (the Binding Acknowledgements of the batch) is laid out in the thread's own
 * buffer and leaves with one {@code sendmmsg} once the batch is handled, or earlier when
 * {@code batchSize} datagrams wait; nothing is held longer than its batch takes to handle, and
 * a lone datagram's answer leaves as soon as its receiver call returns. The stage such a
 * {@code send} returns is complete when the datagram is queued; if the operating system then
 * refuses it, that is counted in {@link Counters#sendFailures()} and logged (UDP gives no
 * delivery guarantee either way). Sends from any other thread leave at once. Elsewhere, the
 * JDK's {@code DatagramChannel} moves one datagram per system call, as the batched path does
 * with a batch size of 1. {@link #ioPath()} says which path a transport took and why;
 * {@link #batchCounters()} how full the batches were.
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
    /** What a send that was handed over returns: immutable, so one instance serves every send. */
    private static final CompletionStage<Void> SENT = CompletableFuture.completedStage(null);

    private final DatagramIo io;
    private final String ioPath;
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
    private final BatchCounting batches = new BatchCounting();
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

    /** Whether the transport reads and writes in batches through native system calls. */
    public enum NativeIo {
        /** Batches where the host allows them (64-bit Linux, jnr-ffi present), the JDK path elsewhere. */
        AUTO,
        /** Batches, or the transport does not open. */
        ON,
        /** The JDK path, one datagram per system call. */
        OFF
    }

    /** What this socket observes of every arrival: its own bound address (no IP_PKTINFO in the JDK). */
    private final Observed observed;

    UdpTransport(DatagramIo io, String ioPath, int receiveThreadCount) {
        this.io = io;
        this.ioPath = ioPath;
        this.receiveThreadCount = receiveThreadCount;
        this.localAddress = io.localAddress();
        this.observed = new Observed(ingressInterfaceOf(localAddress), Optional.of(localAddress));
    }

    /**
     * Binds a socket as {@code config} says. Datagrams that arrive before {@link #start} wait in
     * the socket's buffer.
     *
     * @throws SecurityProviderException if the socket cannot be bound (address in use,
     *         permission, no such local address; the message names the endpoint), or
     *         {@link Config#nativeIo()} is {@link NativeIo#ON} and batches are not available here
     *         (the message says why)
     */
    public static UdpTransport open(Config config) {
        // A lambda, not a method reference: the batched class is resolved only inside the call, where
        // a missing jnr-ffi is caught and the JDK path taken.
        return open(config, (endpoint, buffer, batch) -> LinuxBatchDatagramIo.open(endpoint, buffer, batch));
    }

    /** How the batched path is opened; a test gives one that fails as a host without it would. */
    @FunctionalInterface
    interface BatchOpener {
        DatagramIo open(InetSocketAddress endpoint, int receiveBufferBytes, int batchSize)
                throws LinuxBatchDatagramIo.UnavailableException, IOException;
    }

    static UdpTransport open(Config config, BatchOpener batched) {
        Objects.requireNonNull(config, "config");
        InetSocketAddress endpoint = config.endpoint();
        String jdkBecause;
        if (config.nativeIo() == NativeIo.OFF) {
            jdkBecause = "transport.udp.native-io is off";
        } else if (config.nativeIo() == NativeIo.AUTO && config.batchSize() == 1) {
            jdkBecause = "transport.udp.batch-size is 1";
        } else {
            try {
                DatagramIo io = batched.open(endpoint, config.receiveBufferBytes(), config.batchSize());
                return new UdpTransport(io, io.describe(), config.receiveThreads());
            } catch (LinuxBatchDatagramIo.UnavailableException | LinkageError e) {
                String why = e instanceof LinkageError ? "jnr-ffi is not usable: " + e : e.getMessage();
                if (config.nativeIo() == NativeIo.ON) {
                    throw new SecurityProviderException("cannot open the RFC 5555 UDP transport on "
                            + OuterEndpoint.text(endpoint) + " with batched I/O (transport.udp.native-io: on): "
                            + why + "; set native-io to auto or off to use the JDK's one-datagram path "
                            + "(docs/errors.md#udp-native-io-unavailable)", e);
                }
                jdkBecause = "batched I/O unavailable: " + why;
            } catch (IOException | RuntimeException e) {
                throw bindFailed(endpoint, e);
            }
        }
        try {
            DatagramIo io = JdkDatagramIo.open(endpoint, config.receiveBufferBytes(), jdkBecause);
            return new UdpTransport(io, io.describe(), config.receiveThreads());
        } catch (IOException | RuntimeException e) {
            throw bindFailed(endpoint, e);
        }
    }

    private static SecurityProviderException bindFailed(InetSocketAddress endpoint, Exception e) {
        return new SecurityProviderException("cannot open the RFC 5555 UDP transport on "
                + OuterEndpoint.text(endpoint) + ": " + OuterEndpoint.bindFailure(endpoint, e), e);
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
     * How this transport moves datagrams, in one line for a log or a status: the batched Linux
     * path with its batch size, or the JDK path and why (the setting, or what made the batched
     * path unavailable).
     */
    public String ioPath() {
        return ioPath;
    }

    /** Whether this transport reads and writes in batches ({@link #ioPath()} says more). */
    public boolean batched() {
        return !(io instanceof JdkDatagramIo);
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
            Thread t = new ReceiveThread(this, "mip6-udp-" + localAddress + (i == 1 ? "" : "-" + i));
            t.setDaemon(true);
            receiveThreads.add(t);
        }
        receiveThreads.forEach(Thread::start);
    }

    /**
     * Sends one datagram to {@code to.outerPeer()} holding the inner IPv6 packet built from
     * {@code to} and {@code octets}. Waits only while the socket's send buffer is full. Called on a
     * receive thread while it handles a batch, the datagram leaves with the batch's others (see
     * the class comment, "Batches") and the stage completes once it is queued. The stage fails with
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
        Ipv6Address hao = to.homeAddressOption().orElse(null);
        Ipv6Address routed = to.routingHeader().orElse(null);
        if (Thread.currentThread() instanceof ReceiveThread t && t.transport == this && t.outbox != null
                && t.outbox.collecting) {
            t.outbox.add(to.source(), to.destination(), hao, routed, octets, peer);
            return SENT;
        }
        byte[] packet = new byte[MobilityPacket.innerPacketLength(hao != null, routed != null, octets.length)];
        MobilityPacket.writeInnerPacket(to.source(), to.destination(), hao, routed, octets, octets.length, packet, 0);
        try {
            io.send(packet, 0, packet.length, peer);
            sent.increment();
            return SENT;
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
     * socket. Called from any thread; waits only while the send buffer is full. Never batched.
     *
     * @throws IOException if the operating system refuses the datagram or the socket is closed
     */
    public void sendData(InetSocketAddress peer, byte[] packet, int offset, int length) throws IOException {
        if (closed.get()) {
            throw new IOException(this + " is closed");
        }
        io.send(packet, offset, length, peer);
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

    /** A snapshot of how many datagrams each system call moved. */
    public BatchCounters batchCounters() {
        return batches.snapshot(ioPath, io.batchSize());
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
            // Once the lock is ours every receive thread is asleep in the kernel, waiting for it, or
            // about to see `closed`; closing the socket then wakes them without cutting a receiver
            // call short. A receiver that closes its own transport holds the read lock and cannot
            // wait for itself: it closes at once.
            if (handling.getReadHoldCount() == 0) {
                locked = handling.writeLock().tryLock(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            io.close();
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

    /** A receive thread, which knows its transport and the outbox of the batch it handles. */
    private static final class ReceiveThread extends Thread {
        final UdpTransport transport;
        Outbox outbox;

        ReceiveThread(UdpTransport transport, String name) {
            super(name);
            this.transport = transport;
        }

        @Override
        public void run() {
            transport.receiveLoop(this);
        }
    }

    private void receiveLoop(ReceiveThread self) {
        try {
            receiveUntilClosed(self);
        } catch (Error e) {
            LOG.error("{}: receive loop stopped by {}; no more signalling is received", this, e.toString(), e);
            reportFatal(e);
        }
    }

    private void receiveUntilClosed(ReceiveThread self) {
        DatagramIo.Reader reader = io.newReader();
        self.outbox = io.batchSize() > 1 ? new Outbox(io.newWriter()) : null;
        byte[] scratch = new byte[MAX_DATAGRAM];
        while (!closed.get()) {
            int n;
            try {
                n = reader.receive();
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
            if (n == 0) {
                continue;
            }
            handling.readLock().lock(); // shared: receive threads never wait for each other here
            try {
                if (closed.get()) {
                    return;
                }
                handleBatch(reader, n, scratch, self.outbox);
            } finally {
                handling.readLock().unlock();
            }
        }
    }

    /**
     * The datagrams of one receive, in arrival order; what the receiver sends meanwhile on this
     * thread is collected in {@code outbox} and leaves when the batch is done.
     */
    void handleBatch(DatagramIo.Reader reader, int n, byte[] scratch, Outbox outbox) {
        batches.received(n);
        if (outbox == null) {
            for (int i = 0; i < n; i++) {
                handle(reader, i, scratch);
            }
            return;
        }
        outbox.collecting = true;
        try {
            for (int i = 0; i < n; i++) {
                handle(reader, i, scratch);
            }
        } finally {
            outbox.collecting = false;
            outbox.flush();
        }
    }

    private void reportFatal(Throwable e) {
        try {
            fatalErrorHandler.accept(e);
        } catch (Throwable handlerFailed) {
            LOG.error("{}: the fatal error handler failed", this, handlerFailed);
        }
    }

    private void handle(DatagramIo.Reader reader, int slot, byte[] scratch) {
        received.increment();
        InetSocketAddress peer;
        Inbound inbound;
        try {
            peer = reader.peer(slot);
            int length = reader.length(slot);
            if (peer == null) {
                dropMalformed(null, "a datagram of " + length + " octets with no IPv6 source address");
                return;
            }
            if (reader.truncated(slot)) {
                dropMalformed(peer, "a datagram longer than " + MAX_DATAGRAM + " octets");
                return;
            }
            DataPacketReceiver data = dataReceiver;
            if (data != null && length > 0) {
                reader.copy(slot, scratch);
                if (isDataPacket(scratch, length)) {
                    dataReceived.increment();
                    try {
                        data.accept(peer, java.util.Arrays.copyOf(scratch, length));
                    } catch (RuntimeException e) {
                        receiverFailures.increment();
                        LOG.error("{}: data receiver failed on a packet from {}", this, peer, e);
                    }
                    return;
                }
            }
            if (length == 0 || length > MAX_INNER_PACKET) {
                dropMalformed(peer, "a datagram of " + length + " octets; an inner packet has 1.."
                        + MAX_INNER_PACKET);
                return;
            }
            if (data == null) {
                reader.copy(slot, scratch);
            }
            int version = (scratch[0] & 0xFF) >>> 4;
            if (version != 6) {
                dropMalformed(peer, "the UDP payload is IP version " + version
                        + "; signalling is an inner IPv6 packet (RFC 5555)");
                return;
            }
            // Read in place: the one copy of the Mobility Header is the Inbound's, taken below.
            MobilityPacket parsed = MobilityPacketParser.parseInPlace(scratch, length);
            if (parsed.udpEncapsulation().isPresent()) {
                dropMalformed(peer, "the inner packet is UDP-encapsulated again; encapsulation is one level deep");
                return;
            }
            if (parsed.homeAddressOption().isPresent() && parsed.type2RoutingHeader().isPresent()) {
                dropMalformed(peer, "the inner packet carries both a Home Address option and a type 2 "
                        + "routing header; a Mobility Header message has one or the other (RFC 6275 §6.1)");
                return;
            }
            Addressing addressing = new Addressing(parsed.source(), parsed.destination(),
                    parsed.homeAddressOption(), parsed.type2RoutingHeader(), Optional.of(peer));
            inbound = Inbound.wrapping(parsed.mobilityHeader(), addressing, observed); // the one copy, handed over
        } catch (MobilityHeaderFormatException e) {
            dropMalformed(reader.peer(slot), e.getMessage());
            return;
        } catch (RuntimeException e) {
            malformed.increment();
            LOG.error("{}: unexpected failure handling a datagram from {}; dropped", this, reader.peer(slot), e);
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

    /**
     * The datagrams a receive thread sends while it handles a batch: laid out in the writer's
     * slots as they come, sent with as few system calls as the operating system allows when the
     * batch is done or the slots are full. Used by its thread only.
     */
    final class Outbox {
        private final DatagramIo.Writer writer;
        private final byte[] packet = new byte[MAX_INNER_PACKET];
        boolean collecting;
        private int queued;

        Outbox(DatagramIo.Writer writer) {
            this.writer = writer;
        }

        void add(Ipv6Address source, Ipv6Address destination, Ipv6Address hao, Ipv6Address routed, byte[] octets,
                 InetSocketAddress peer) {
            int length = MobilityPacket.writeInnerPacket(source, destination, hao, routed, octets, octets.length,
                    packet, 0);
            writer.put(queued++, packet, length, peer);
            if (queued == writer.capacity()) {
                flush();
            }
        }

        /**
         * Sends what is queued. A batch send reports only the first datagram it could not send:
         * that one is counted as failed and the rest are sent again from the one after it.
         */
        void flush() {
            int count = queued;
            queued = 0;
            int from = 0;
            while (from < count) {
                if (closed.get()) {
                    sendFailures.add(count - from);
                    return;
                }
                try {
                    int n = writer.send(from, count - from);
                    batches.sent(n);
                    sent.add(n);
                    from += n;
                } catch (IOException | RuntimeException e) {
                    sendFailures.increment();
                    if (!closed.get()) {
                        LOG.warn("{}: a queued datagram could not be sent: {}", UdpTransport.this, e.toString());
                    }
                    from++;
                }
            }
        }
    }

    /** Counts of the datagrams each receive and each batch send moved. */
    private static final class BatchCounting {
        private final LongAdder receives = new LongAdder();
        private final LongAdder datagramsReceived = new LongAdder();
        private final AtomicInteger largestReceive = new AtomicInteger();
        private final LongAdder[] receiveHistogram = new LongAdder[BatchCounters.BUCKETS];
        private final LongAdder sends = new LongAdder();
        private final LongAdder datagramsSent = new LongAdder();
        private final AtomicInteger largestSend = new AtomicInteger();

        BatchCounting() {
            for (int i = 0; i < receiveHistogram.length; i++) {
                receiveHistogram[i] = new LongAdder();
            }
        }

        void received(int n) {
            receives.increment();
            datagramsReceived.add(n);
            receiveHistogram[BatchCounters.bucketOf(n)].increment();
            if (n > largestReceive.get()) {
                largestReceive.accumulateAndGet(n, Math::max);
            }
        }

        void sent(int n) {
            sends.increment();
            datagramsSent.add(n);
            if (n > largestSend.get()) {
                largestSend.accumulateAndGet(n, Math::max);
            }
        }

        BatchCounters snapshot(String ioPath, int batchSize) {
            long[] histogram = new long[receiveHistogram.length];
            for (int i = 0; i < histogram.length; i++) {
                histogram[i] = receiveHistogram[i].sum();
            }
            return new BatchCounters(ioPath, batchSize, receives.sum(), datagramsReceived.sum(), largestReceive.get(),
                    histogram, sends.sum(), datagramsSent.sum(), largestSend.get());
        }
    }

    /**
     * How many datagrams the transport's system calls moved since it opened. On the JDK path
     * every receive moves one and no batch is ever sent.
     *
     * @param ioPath               {@link UdpTransport#ioPath()}
     * @param batchSize            the most a receive or a batch send moves
     * @param receives             receives that returned datagrams
     * @param datagramsReceived    the datagrams they returned
     * @param largestReceive       the most one receive returned
     * @param receiveHistogram     receives by datagrams returned: 1, 2–3, 4–7, 8–15, 16–31, 32–63,
     *                             64 and more ({@value #BUCKETS} counts)
     * @param batchSends           {@code sendmmsg} calls that sent datagrams queued during a batch
     * @param datagramsBatchSent   the datagrams they sent
     * @param largestBatchSend     the most one of them sent
     */
    public record BatchCounters(String ioPath, int batchSize, long receives, long datagramsReceived,
                                int largestReceive, long[] receiveHistogram, long batchSends,
                                long datagramsBatchSent, int largestBatchSend) {

        /** The histogram's buckets. */
        public static final int BUCKETS = 7;

        /** @throws NullPointerException if {@code ioPath} or {@code receiveHistogram} is null */
        public BatchCounters {
            Objects.requireNonNull(ioPath, "ioPath");
            receiveHistogram = receiveHistogram.clone();
        }

        /** A copy of the histogram. */
        @Override
        public long[] receiveHistogram() {
            return receiveHistogram.clone();
        }

        /** The mean datagrams per receive; 0 before the first. */
        public double meanReceive() {
            return receives == 0 ? 0 : (double) datagramsReceived / receives;
        }

        /** The mean datagrams per batch send; 0 before the first. */
        public double meanBatchSend() {
            return batchSends == 0 ? 0 : (double) datagramsBatchSent / batchSends;
        }

        /** The bucket of a receive of {@code n} datagrams, n ≥ 1. */
        static int bucketOf(int n) {
            return Math.min(BUCKETS - 1, 31 - Integer.numberOfLeadingZeros(n));
        }

        /** The histogram's bucket labels, as {@link #receiveHistogram()} orders them. */
        public static List<String> bucketLabels() {
            return List.of("1", "2-3", "4-7", "8-15", "16-31", "32-63", "64+");
        }
    }

    /**
     * Where the transport's socket is bound and how it moves datagrams.
     *
     * @param bindAddress        the local address: {@code ::} for a dual-stack home agent (IPv4
     *                           peers then arrive IPv4-mapped and are reported as IPv4), the care-of
     *                           address for a mobile node
     * @param port               the local port, 0..65535; 0 picks an ephemeral port (a mobile node)
     * @param receiveBufferBytes the socket receive buffer (SO_RCVBUF) to ask for; 0 keeps the
     *                           operating system's default
     * @param receiveThreads     the threads that read the socket, 1..{@value #MAX_RECEIVE_THREADS}
     *                           (see the class comment, "Receive threads")
     * @param batchSize          the most datagrams one system call receives or sends,
     *                           1..{@value #MAX_BATCH_SIZE} (see the class comment, "Batches"); each
     *                           receive thread keeps that many 64 KiB receive slots outside the heap
     * @param nativeIo           whether batches through native calls are used: {@link NativeIo#AUTO}
     *                           where available, {@link NativeIo#ON} or fail, {@link NativeIo#OFF} never
     */
    public record Config(InetAddress bindAddress, int port, int receiveBufferBytes, int receiveThreads,
                         int batchSize, NativeIo nativeIo) {

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
         * Up to 32 datagrams per system call: under load a receive finds a few to a few dozen
         * queued (docs/performance.md#batched-receive-and-send); 32 slots take 2 MiB per thread.
         */
        public static final int DEFAULT_BATCH_SIZE = 32;
        /** The largest batch: 16 MiB of receive slots per thread. */
        public static final int MAX_BATCH_SIZE = 256;

        /**
         * @throws NullPointerException if {@code bindAddress} or {@code nativeIo} is null
         * @throws IllegalArgumentException if the port is outside 0..65535, the buffer size negative,
         *         the thread count outside 1..{@value #MAX_RECEIVE_THREADS} or the batch size outside
         *         1..{@value #MAX_BATCH_SIZE}
         */
        public Config {
            Objects.requireNonNull(bindAddress, "bindAddress");
            Objects.requireNonNull(nativeIo, "nativeIo");
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
            if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
                throw new IllegalArgumentException("a batch of " + batchSize + " datagrams; give 1.." + MAX_BATCH_SIZE);
            }
        }

        /** A config with batches of {@value #DEFAULT_BATCH_SIZE} where available. */
        public Config(InetAddress bindAddress, int port, int receiveBufferBytes, int receiveThreads) {
            this(bindAddress, port, receiveBufferBytes, receiveThreads, DEFAULT_BATCH_SIZE, NativeIo.AUTO);
        }

        /** A config with {@value #DEFAULT_RECEIVE_THREADS} receive thread, batches where available. */
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

        public Config withBindAddress(InetAddress address) {
            return new Config(address, port, receiveBufferBytes, receiveThreads, batchSize, nativeIo);
        }

        public Config withPort(int newPort) {
            return new Config(bindAddress, newPort, receiveBufferBytes, receiveThreads, batchSize, nativeIo);
        }

        public Config withReceiveBufferBytes(int bytes) {
            return new Config(bindAddress, port, bytes, receiveThreads, batchSize, nativeIo);
        }

        public Config withReceiveThreads(int threads) {
            return new Config(bindAddress, port, receiveBufferBytes, threads, batchSize, nativeIo);
        }

        public Config withBatchSize(int datagrams) {
            return new Config(bindAddress, port, receiveBufferBytes, receiveThreads, datagrams, nativeIo);
        }

        public Config withNativeIo(NativeIo mode) {
            return new Config(bindAddress, port, receiveBufferBytes, receiveThreads, batchSize, mode);
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
