package org.mip6kit.transport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import org.mip6kit.spi.Observed;
import org.mip6kit.spi.SecurityProviderException;
import org.mip6kit.spi.net.Datagram;
import org.mip6kit.spi.net.UdpEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A provider's UDP endpoint on a {@link DatagramChannel}, opened by
 * {@link SocketProviderNetwork#bindUdp}. Blocking: one daemon receive thread per endpoint, named
 * after its address, sleeps in {@code recvfrom}; {@link #close} closes the channel, which wakes
 * it. Peers are reported as {@link UdpTransport} reports them: an IPv4 peer of a dual-stack
 * socket as its {@link java.net.Inet4Address}.
 *
 * <p>What is {@linkplain Observed observed} is decided at bind time, since the JDK gives no
 * {@code IP_PKTINFO}: the local address is the bound one with its port (for a wildcard bind, the
 * wildcard address: only the port says anything), and the ingress interface is the one that owns
 * the bound address, or empty for a wildcard bind. Linux accepts a packet for one of its
 * addresses on any interface (the weak host model), so an endpoint bound to an address reports
 * that address's interface even for a packet that came in through another one.
 */
final class SocketUdpEndpoint implements UdpEndpoint {

    /** The largest UDP payload over IPv4 (65,535 − 20 − 8). */
    static final int MAX_PAYLOAD = 65507;
    private static final int RECEIVE_CAPACITY = 65535;
    private static final long CLOSE_WAIT_MILLIS = 2000;
    private static final Logger LOG = LoggerFactory.getLogger(SocketUdpEndpoint.class);

    private final DatagramChannel channel;
    private final InetSocketAddress localAddress;
    private final Observed observed;
    private final Consumer<AutoCloseable> whenClosed;
    private final AtomicBoolean closed = new AtomicBoolean();
    private Thread receiveThread;
    private volatile Consumer<Datagram> receiver;

    private SocketUdpEndpoint(DatagramChannel channel, InetSocketAddress localAddress, Observed observed,
                              Consumer<AutoCloseable> whenClosed) {
        this.channel = channel;
        this.localAddress = localAddress;
        this.observed = observed;
        this.whenClosed = whenClosed;
    }

    /**
     * Binds {@code local}. Datagrams that arrive before {@link #start} wait in the socket's buffer.
     *
     * @throws SecurityProviderException if the address cannot be bound; the message names it
     */
    static SocketUdpEndpoint bind(InetSocketAddress local, Consumer<AutoCloseable> whenClosed) {
        Objects.requireNonNull(local, "local");
        if (local.isUnresolved()) {
            throw new SecurityProviderException("cannot bind a UDP endpoint on " + local
                    + ": the address is unresolved; give an address literal");
        }
        DatagramChannel channel = null;
        try {
            channel = DatagramChannel.open();
            channel.bind(local);
            InetSocketAddress bound = OuterEndpoint.normalised((InetSocketAddress) channel.getLocalAddress());
            Optional<String> ingress = owningInterface(bound.getAddress());
            return new SocketUdpEndpoint(channel, bound, new Observed(ingress, Optional.of(bound)), whenClosed);
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            throw new SecurityProviderException("cannot bind a UDP endpoint on " + OuterEndpoint.text(local) + ": "
                    + OuterEndpoint.bindFailure(local, e), e);
        }
    }

    @Override
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    /**
     * Starts the receive thread.
     *
     * @throws IllegalStateException if already started or closed
     */
    @Override
    public synchronized void start(Consumer<Datagram> receiver) {
        Objects.requireNonNull(receiver, "receiver");
        if (closed.get()) {
            throw new IllegalStateException(this + " is closed");
        }
        if (receiveThread != null) {
            throw new IllegalStateException(this + " is already started");
        }
        this.receiver = receiver;
        receiveThread = new Thread(this::receiveLoop, "mip6-provider-udp-" + localAddress);
        receiveThread.setDaemon(true);
        receiveThread.start();
    }

    /**
     * Sends on the caller's thread, waiting only while the socket's send buffer is full. The
     * stage fails with {@link SecurityProviderException} after {@link #close}, for an unresolved
     * destination, a payload over {@value #MAX_PAYLOAD} octets, or when the operating system
     * refuses the datagram (no route, another address family).
     */
    @Override
    public CompletionStage<Void> send(byte[] payload, InetSocketAddress to) {
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(to, "to");
        if (closed.get()) {
            return failed("cannot send from " + this + ": it is closed", null);
        }
        if (to.isUnresolved()) {
            return failed("cannot send from " + this + " to " + to + ": the address is unresolved", null);
        }
        if (payload.length > MAX_PAYLOAD) {
            return failed("cannot send " + payload.length + " octets from " + this + " to " + to
                    + ": a UDP payload is at most " + MAX_PAYLOAD + " octets", null);
        }
        try {
            channel.send(ByteBuffer.wrap(payload), to);
            return CompletableFuture.completedFuture(null);
        } catch (IOException | RuntimeException e) {
            if (closed.get()) {
                return failed("cannot send from " + this + ": it is closed", e);
            }
            return failed("cannot send " + payload.length + " octets from " + localAddress + " to " + to + ": " + e, e);
        }
    }

    /** Stops the receive thread (waiting up to two seconds for a receiver call) and closes the socket. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closeQuietly(channel);
        Thread thread;
        synchronized (this) {
            thread = receiveThread;
        }
        if (thread != null && thread != Thread.currentThread()) {
            try {
                thread.join(CLOSE_WAIT_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        whenClosed.accept(this);
    }

    @Override
    public String toString() {
        return "UdpEndpoint[" + localAddress + (closed.get() ? ", closed" : "") + "]";
    }

    private void receiveLoop() {
        ByteBuffer buffer = ByteBuffer.allocateDirect(RECEIVE_CAPACITY);
        while (!closed.get()) {
            buffer.clear();
            SocketAddress from;
            try {
                from = channel.receive(buffer);
            } catch (ClosedChannelException e) {
                if (!closed.get()) {
                    LOG.error("{}: socket closed under the receive loop; nothing more is received", this, e);
                }
                return;
            } catch (IOException e) {
                // An ICMP error reported on the socket, for instance: the next datagram may be fine.
                LOG.warn("{}: receive failed: {}", this, e.toString());
                continue;
            }
            if (closed.get()) {
                return;
            }
            buffer.flip();
            byte[] payload = new byte[buffer.remaining()];
            buffer.get(payload);
            Datagram datagram = new Datagram(payload, OuterEndpoint.normalised((InetSocketAddress) from), observed);
            try {
                receiver.accept(datagram);
            } catch (RuntimeException e) {
                LOG.error("{}: receiver failed on {}", this, datagram, e);
            }
        }
    }

    private static Optional<String> owningInterface(InetAddress address) {
        if (address.isAnyLocalAddress()) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(NetworkInterface.getByInetAddress(address)).map(NetworkInterface::getName);
        } catch (SocketException e) {
            return Optional.empty();
        }
    }

    private static CompletionStage<Void> failed(String message, Throwable cause) {
        return CompletableFuture.failedFuture(new SecurityProviderException(message, cause));
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
}
