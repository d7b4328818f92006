package org.mip6kit.dataplane;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;

import jnr.ffi.Pointer;

import org.mip6kit.wire.Ipv6Address;

/**
 * IPv6-in-IPv6 (RFC 2473) through a raw {@code AF_INET6} socket of protocol 41: the kernel builds
 * the outer IPv6 header (source the bound address, hop limit the host's default) on send, and
 * on receive hands over the inner packet and the outer source. This works without the ip6tnl
 * module: the kernel gives every protocol-41 packet addressed to the host to matching raw
 * sockets, and sends no "unrecognised Next Header" error for it while one is open.
 *
 * <p>A socket bound to an address receives only tunnel packets addressed to it. A receive tries
 * {@code recvfrom} without waiting first and waits in {@code poll} (with a timeout, so
 * {@link #close} ends a receiver within it) only when nothing is queued: one system call per
 * packet under load. Sends block while the socket's send buffer is full (back-pressure on the
 * reading thread) and are serialised.
 */
public final class RawTunnelSocket implements TunnelSocket {

    private final NativeCalls calls;
    private final int fd;
    private final Ipv6Address local;
    private final Pointer receiveBuffer;
    private final Pointer sourceAddress;
    private final Pointer sourceLength;
    private final Pointer pollfd;
    private final Pointer sendBuffer;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Object sendLock = new Object();
    private Ipv6Address lastDestination;
    private Pointer lastDestinationAddress;

    private RawTunnelSocket(NativeCalls calls, int fd, Ipv6Address local) {
        this.calls = calls;
        this.fd = fd;
        this.local = local;
        this.receiveBuffer = calls.allocate(TunDevice.MAX_PACKET);
        this.sourceAddress = calls.allocate(NativeCalls.SOCKADDR_IN6_SIZE);
        this.sourceLength = calls.allocate(4);
        this.pollfd = calls.allocate(8);
        this.sendBuffer = calls.allocate(TunDevice.MAX_PACKET);
    }

    /**
     * Opens the socket (needs CAP_NET_RAW).
     *
     * @param local the address tunnel packets leave from and are received at; null for any
     *        (the kernel picks the source of each packet by its routes)
     */
    public static RawTunnelSocket open(Ipv6Address local) throws IOException {
        NativeCalls calls = NativeCalls.load();
        return new RawTunnelSocket(calls, calls.openRawIpv6InIpv6(local == null ? null : local.toBytes()), local);
    }

    @Override
    public int receive(byte[] buffer, byte[] outerSource, int timeoutMillis) throws IOException {
        if (closed.get()) {
            return -1;
        }
        long n = calls.recvfrom(fd, receiveBuffer, TunDevice.MAX_PACKET, sourceAddress, sourceLength);
        if (n < 0 && calls.errno() == NativeCalls.EAGAIN) {
            if (!calls.awaitReadable(fd, pollfd, timeoutMillis)) {
                return closed.get() ? -1 : 0;
            }
            n = calls.recvfrom(fd, receiveBuffer, TunDevice.MAX_PACKET, sourceAddress, sourceLength);
        }
        if (n < 0) {
            int e = calls.errno();
            if (e == NativeCalls.EAGAIN || e == NativeCalls.EINTR) {
                return 0;
            }
            if (closed.get()) {
                return -1;
            }
            throw calls.errnoException("recvfrom(protocol 41)", e);
        }
        int length = (int) Math.min(n, buffer.length);
        receiveBuffer.get(0, buffer, 0, length);
        sourceAddress.get(8, outerSource, 0, 16);
        return length;
    }

    @Override
    public void send(Ipv6Address destination, byte[] packet, int offset, int length) throws IOException {
        synchronized (sendLock) {
            if (closed.get()) {
                throw new IOException("the tunnel socket is closed");
            }
            if (!destination.equals(lastDestination)) {
                lastDestinationAddress = calls.sockaddrIn6(destination.toBytes());
                lastDestination = destination;
            }
            sendBuffer.put(0, packet, offset, length);
            long n = calls.sendto(fd, sendBuffer, length, lastDestinationAddress);
            if (n < 0) {
                throw calls.failure("sendto(protocol 41, " + destination + ", " + length + " octets)");
            }
        }
    }

    /** The bound address, or null. */
    public Ipv6Address localAddress() {
        return local;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            synchronized (sendLock) {
                calls.close(fd);
            }
        }
    }

    @Override
    public String toString() {
        return "protocol-41 raw socket" + (local == null ? "" : " at " + local);
    }
}
