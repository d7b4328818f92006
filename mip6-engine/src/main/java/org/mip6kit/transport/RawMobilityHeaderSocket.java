package org.mip6kit.transport;

import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.Inbound;
import org.mip6kit.spi.Observed;
import org.mip6kit.spi.SecurityProviderException;
import org.mip6kit.spi.SignallingTransport;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.MobilityHeaderCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A raw IPv6 socket for the Mobility Header (next header {@value MobilityHeaderCodec#IP_PROTOCOL}),
 * opened by {@link SocketProviderNetwork#openMobilityHeaderSocket}. Linux only; needs CAP_NET_RAW.
 *
 * <p><b>Receiving.</b> The kernel strips the IPv6 header and the extension headers it processed,
 * so each datagram is the Mobility Header alone. {@code IPV6_RECVPKTINFO} makes the kernel attach
 * the destination address and ingress interface index of each packet; the receiver gets
 * {@code Inbound(octets, Addressing.of(source, destination), Observed.on(interface, [destination]:0))}.
 * The addressing never carries a Home Address option or routing header: a kernel without
 * CONFIG_IPV6_MIP6 drops packets with a Home Address option before any socket sees them, and one
 * with it consumes both. Empty or truncated datagrams (longer than
 * {@link MobilityHeaderCodec#MAX_LENGTH}) and datagrams without packet information are dropped
 * and logged at DEBUG; the message itself is the codec's business. Like every raw socket it sees
 * every Mobility Header packet for the host (or the interface it is bound to), whoever else also
 * receives them.
 *
 * <p><b>Checksum.</b> The Mobility Header checksum sits at offset 4. Linux sets
 * {@code IPV6_CHECKSUM} to 4 on every raw socket for protocol 135 by itself, so the kernel fills
 * in the checksum of what is sent (whatever the octets held there) and drops received packets
 * whose checksum is wrong. The socket sets the option again; if a kernel refuses that, it keeps
 * the kernel's own handling and logs at DEBUG.
 *
 * <p><b>Sending.</b> To {@link Addressing#destination()}, plain IPv6: a raw socket cannot add a
 * Home Address option or a type 2 routing header, nor UDP-encapsulate, so an addressing with any
 * of them fails the stage with a {@link SecurityProviderException}. The source address is chosen
 * per packet with an {@code IPV6_PKTINFO} control message: {@link Addressing#source()} unless it
 * is unspecified (then the kernel chooses); the kernel refuses a source that is not one of the
 * host's addresses. A socket bound to an interface also sends through it, and uses it as the
 * scope of a link-local destination.
 *
 * <p><b>Closing.</b> The receive thread waits in {@code poll(2)} with a {@value #POLL_MILLIS} ms
 * timeout and then reads without blocking. {@link #close} calls {@code shutdown(2)}, which wakes
 * {@code poll} at once on Linux; the timeout only bounds the wait should a kernel not wake a raw
 * socket on shutdown. The descriptor is closed by the receive thread as it leaves (or by
 * {@code close} if none was started), never while another thread may still use its number.
 */
final class RawMobilityHeaderSocket implements SignallingTransport {

    static final int POLL_MILLIS = 200;
    private static final int RECEIVE_CAPACITY = 65535;
    private static final long CLOSE_WAIT_MILLIS = 2000;
    private static final Logger LOG = LoggerFactory.getLogger(RawMobilityHeaderSocket.class);

    private final LibcSockets libc;
    private final int fd;
    private final Optional<String> interfaceName;
    private final int interfaceIndex;
    private final Consumer<AutoCloseable> whenClosed;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Guards the descriptor: sends use it, and it is closed, under this lock. */
    private final Object descriptor = new Object();
    private boolean descriptorClosed;
    private Thread receiveThread;
    private volatile Consumer<Inbound> receiver;

    private RawMobilityHeaderSocket(LibcSockets libc, int fd, Optional<String> interfaceName, int interfaceIndex,
                                    Consumer<AutoCloseable> whenClosed) {
        this.libc = libc;
        this.fd = fd;
        this.interfaceName = interfaceName;
        this.interfaceIndex = interfaceIndex;
        this.whenClosed = whenClosed;
    }

    /**
     * Opens the socket, bound to {@code interfaceName} if given.
     *
     * @throws SecurityProviderException without CAP_NET_RAW, without IPv6, on another platform,
     *         if the interface does not exist, or if a socket option is refused
     */
    static RawMobilityHeaderSocket open(Optional<String> interfaceName, Consumer<AutoCloseable> whenClosed) {
        Objects.requireNonNull(interfaceName, "interfaceName");
        String where = interfaceName.map(n -> " on interface " + n).orElse(" on every interface");
        int index = 0;
        if (interfaceName.isPresent()) {
            index = interfaceIndex(interfaceName.get());
        }
        LibcSockets libc = LibcSockets.load();
        int fd;
        try {
            fd = libc.socket(LibcSockets.AF_INET6, LibcSockets.SOCK_RAW, MobilityHeaderCodec.IP_PROTOCOL);
        } catch (LibcSockets.ErrnoException e) {
            throw new SecurityProviderException(switch (e.errno()) {
                case LibcSockets.EPERM, LibcSockets.EACCES -> "raw Mobility Header socket needs CAP_NET_RAW "
                        + "(run as root, or grant the capability: setcap cap_net_raw+ep on the java binary)";
                case LibcSockets.EAFNOSUPPORT -> "cannot open the raw Mobility Header socket: IPv6 is disabled "
                        + "on this host (net.ipv6.conf.all.disable_ipv6, or ipv6.disable=1 on the kernel command line)";
                default -> "cannot open the raw Mobility Header socket" + where + ": " + e.getMessage();
            }, e);
        }
        try {
            libc.setIntOption(fd, LibcSockets.IPPROTO_IPV6, LibcSockets.IPV6_RECVPKTINFO, 1);
            try {
                libc.setIntOption(fd, LibcSockets.IPPROTO_IPV6, LibcSockets.IPV6_CHECKSUM,
                        MobilityHeaderCodec.CHECKSUM_OFFSET);
            } catch (LibcSockets.ErrnoException e) {
                LOG.debug("IPV6_CHECKSUM refused on the raw Mobility Header socket; the kernel's own checksum "
                        + "handling stays: {}", e.getMessage());
            }
            if (interfaceName.isPresent()) {
                libc.bindToDevice(fd, interfaceName.get());
            }
        } catch (LibcSockets.ErrnoException e) {
            libc.close(fd);
            throw new SecurityProviderException("cannot set up the raw Mobility Header socket" + where + ": "
                    + e.getMessage(), e);
        }
        return new RawMobilityHeaderSocket(libc, fd, interfaceName, index, whenClosed);
    }

    /**
     * Starts the receive thread (a daemon named after the interface).
     *
     * @throws IllegalStateException if already started or closed
     */
    @Override
    public synchronized void start(Consumer<Inbound> receiver) {
        Objects.requireNonNull(receiver, "receiver");
        if (closed.get()) {
            throw new IllegalStateException(this + " is closed");
        }
        if (receiveThread != null) {
            throw new IllegalStateException(this + " is already started");
        }
        this.receiver = receiver;
        receiveThread = new Thread(this::receiveLoop, "mip6-mh-raw-" + interfaceName.orElse("any"));
        receiveThread.setDaemon(true);
        receiveThread.start();
    }

    /**
     * Sends {@code octets} to {@code to.destination()} from {@code to.source()}. The stage fails
     * with {@link SecurityProviderException} if {@code to} asks for a Home Address option, a
     * routing header or UDP encapsulation, after {@link #close}, or if the kernel refuses the
     * packet; with {@link IllegalArgumentException} if {@code octets} is empty or too long.
     */
    @Override
    public CompletionStage<Void> send(byte[] octets, Addressing to) {
        Objects.requireNonNull(octets, "octets");
        Objects.requireNonNull(to, "to");
        if (to.homeAddressOption().isPresent() || to.routingHeader().isPresent() || to.outerPeer().isPresent()) {
            return CompletableFuture.failedFuture(new SecurityProviderException("the raw Mobility Header socket "
                    + "sends plain IPv6 only: it cannot add the Home Address option, type 2 routing header or UDP "
                    + "encapsulation that " + to + " asks for"));
        }
        if (octets.length == 0 || octets.length > MobilityHeaderCodec.MAX_LENGTH) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("a Mobility Header message is 1.."
                    + MobilityHeaderCodec.MAX_LENGTH + " octets, got " + octets.length));
        }
        if (to.destination().isLinkLocal() && interfaceIndex == 0) {
            return CompletableFuture.failedFuture(new SecurityProviderException("cannot send to the link-local "
                    + "address " + to.destination() + " from a raw Mobility Header socket open on every interface: "
                    + "open it on the interface of that link"));
        }
        byte[] source = to.source().isUnspecified() ? null : to.source().toBytes();
        synchronized (descriptor) {
            if (closed.get()) {
                return CompletableFuture.failedFuture(new SecurityProviderException(this + " is closed"));
            }
            try {
                libc.send(fd, octets, to.destination().toBytes(), interfaceIndex, source);
                return CompletableFuture.completedFuture(null);
            } catch (LibcSockets.ErrnoException | RuntimeException e) {
                return CompletableFuture.failedFuture(new SecurityProviderException("cannot send a Mobility Header "
                        + "message from " + to.source() + " to " + to.destination() + " through " + this + ": "
                        + e.getMessage() + " (the source must be one of this host's addresses)", e));
            }
        }
    }

    /** Stops the receive thread (waiting up to two seconds) and closes the socket. Idempotent; never throws. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        Thread thread;
        synchronized (this) {
            thread = receiveThread;
        }
        try {
            if (thread == null) {
                closeDescriptor();
                return;
            }
            synchronized (descriptor) {
                if (!descriptorClosed) {
                    libc.shutdown(fd);
                }
            }
            if (thread != Thread.currentThread()) {
                thread.join(CLOSE_WAIT_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.debug("closing {} failed", this, e);
        } finally {
            whenClosed.accept(this);
        }
    }

    @Override
    public String toString() {
        return "RawMobilityHeaderSocket[" + interfaceName.orElse("every interface") + (closed.get() ? ", closed" : "")
                + "]";
    }

    private void receiveLoop() {
        try {
            LibcSockets.ReceiveBuffers buffers = libc.receiveBuffers(RECEIVE_CAPACITY);
            while (!closed.get()) {
                if (!libc.awaitReadable(fd, POLL_MILLIS) || closed.get()) {
                    continue;
                }
                Optional<LibcSockets.Received> received = libc.receive(fd, buffers);
                if (received.isPresent() && !closed.get()) {
                    handle(received.get());
                }
            }
        } catch (LibcSockets.ErrnoException | RuntimeException e) {
            if (!closed.get()) {
                LOG.error("{}: receive loop stopped; no more signalling is received on this socket", this, e);
            }
        } finally {
            closeDescriptor();
        }
    }

    private void handle(LibcSockets.Received received) {
        byte[] octets = received.payload();
        if (octets.length == 0 || received.truncated() || octets.length > MobilityHeaderCodec.MAX_LENGTH) {
            LOG.debug("{}: dropped a datagram of {} octets{}; a Mobility Header message is 1..{}", this,
                    octets.length, received.truncated() ? " (truncated)" : "", MobilityHeaderCodec.MAX_LENGTH);
            return;
        }
        if (received.packetInfo().isEmpty()) {
            LOG.debug("{}: dropped a datagram without IPV6_PKTINFO: its destination is unknown", this);
            return;
        }
        Ipv6Address source = Ipv6Address.fromBytes(received.source());
        Ipv6Address destination = Ipv6Address.fromBytes(received.packetInfo().get().destination());
        Optional<String> ingress = interfaceName(received.packetInfo().get().interfaceIndex());
        Observed observed = new Observed(ingress,
                Optional.of(new InetSocketAddress(destination.toInetAddress(), 0)));
        Inbound inbound = new Inbound(octets, Addressing.of(source, destination), observed);
        try {
            receiver.accept(inbound);
        } catch (RuntimeException e) {
            LOG.error("{}: receiver failed on {}", this, inbound, e);
        }
    }

    private void closeDescriptor() {
        synchronized (descriptor) {
            if (!descriptorClosed) {
                descriptorClosed = true;
                libc.close(fd);
            }
        }
    }

    private static Optional<String> interfaceName(int index) {
        try {
            NetworkInterface nif = NetworkInterface.getByIndex(index);
            return nif == null ? Optional.empty() : Optional.of(nif.getName());
        } catch (SocketException e) {
            return Optional.empty();
        }
    }

    private static int interfaceIndex(String name) {
        try {
            NetworkInterface nif = NetworkInterface.getByName(name);
            if (nif == null) {
                throw new SecurityProviderException("cannot open the raw Mobility Header socket on interface "
                        + name + ": no such interface on this host (see `ip link`)");
            }
            return nif.getIndex();
        } catch (SocketException e) {
            throw new SecurityProviderException("cannot look up interface " + name + " for the raw Mobility Header "
                    + "socket: " + e, e);
        }
    }
}
