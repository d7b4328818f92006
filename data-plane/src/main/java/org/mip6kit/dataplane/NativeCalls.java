package org.mip6kit.dataplane;

import java.io.IOException;
import java.lang.ref.Reference;

import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.LibraryOption;
import jnr.ffi.Memory;
import jnr.ffi.Platform;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * The libc calls of {@link TunDevice} and {@link RawTunnelSocket}, bound with jnr-ffi on the first
 * {@link #load()} (never when a class is loaded). 64-bit Linux only:
 * <pre>
 * struct ifreq (40):        ifr_name char[16] 0, ifr_flags s16 16
 * struct sockaddr_in6 (28): family u16 0 (AF_INET6 10), port u16 2, flowinfo u32 4, addr[16] 8, scope_id u32 24
 * struct pollfd (8):        fd s32 0, events s16 4, revents s16 6
 * </pre>
 */
final class NativeCalls {
    static final int O_RDWR = 2;
    static final int O_CLOEXEC = 0x80000;
    static final int O_NONBLOCK = 0x800;
    static final int MSG_DONTWAIT = 0x40;
    static final long TUNSETIFF = 0x400454caL;
    static final short IFF_TUN = 0x0001;
    static final short IFF_NO_PI = 0x1000;
    static final int IFNAMSIZ = 16;
    static final int AF_INET6 = 10;
    static final int SOCK_RAW = 3;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int IPPROTO_IPV6 = 41;
    static final int IPPROTO_ICMPV6 = 58;
    static final int IPV6_MULTICAST_HOPS = 18;
    static final int EINTR = 4;
    static final int EAGAIN = 11;
    static final int EMSGSIZE = 90;
    static final int SOCKADDR_IN6_SIZE = 28;
    private static final short POLLIN = 1;
    private static final int IFREQ_SIZE = 40;

    /** The libc functions used, as jnr-ffi binds them. Public only because jnr-ffi implements it. */
    public interface LibC {
        int open(String path, int flags);
        int ioctl(int fd, long request, Pointer argument);
        @ssize_t long read(int fd, Pointer buffer, @size_t long length);
        @ssize_t long write(int fd, Pointer buffer, @size_t long length);
        int socket(int domain, int type, int protocol);
        int bind(int fd, Pointer address, int length);
        @ssize_t long sendto(int fd, Pointer buffer, @size_t long length, int flags, Pointer address, int addressLength);
        @ssize_t long recvfrom(int fd, Pointer buffer, @size_t long length, int flags, Pointer address,
                               Pointer addressLength);
        int poll(Pointer fds, @size_t long count, int timeoutMillis);
        int setsockopt(int fd, int level, int name, Pointer value, int length);
        int close(int fd);
        String strerror(int errno);
    }

    private final LibC libc;
    private final Runtime runtime;

    private NativeCalls(LibC libc) {
        this.libc = libc;
        this.runtime = Runtime.getRuntime(libc);
    }

    /** The bound calls; a load failure is remembered and rethrown as an {@link IOException}. */
    static NativeCalls load() throws IOException {
        Loaded l = Loaded.INSTANCE;
        if (l.failure != null) {
            throw new IOException(l.failure, l.cause);
        }
        return l.calls;
    }

    /** Opens {@code /dev/net/tun} and attaches it to a new TUN interface (IFF_TUN | IFF_NO_PI). */
    int openTun(String name) throws IOException {
        int fd = libc.open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
        if (fd < 0) {
            throw failure("open(/dev/net/tun)");
        }
        Pointer ifr = allocate(IFREQ_SIZE);
        byte[] n = name.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        ifr.put(0, n, 0, n.length);
        ifr.putShort(IFNAMSIZ, (short) (IFF_TUN | IFF_NO_PI));
        if (libc.ioctl(fd, TUNSETIFF, ifr) != 0) {
            IOException e = failure("ioctl(TUNSETIFF, " + name + ")");
            libc.close(fd);
            throw e;
        }
        Reference.reachabilityFence(ifr);
        return fd;
    }

    /** A raw AF_INET6 socket for protocol 41, bound to {@code local} (16 octets) unless null. */
    int openRawIpv6InIpv6(byte[] local) throws IOException {
        int fd = libc.socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_IPV6);
        if (fd < 0) {
            throw failure("socket(AF_INET6, SOCK_RAW, 41)");
        }
        if (local != null) {
            Pointer a = sockaddrIn6(local);
            if (libc.bind(fd, a, SOCKADDR_IN6_SIZE) != 0) {
                IOException e = failure("bind(protocol 41 raw socket, " + org.mip6kit.wire.Ipv6Address.fromBytes(local)
                        + ")");
                libc.close(fd);
                throw e;
            }
            Reference.reachabilityFence(a);
        }
        return fd;
    }

    /**
     * A raw ICMPv6 socket (the kernel fills in the checksum) whose multicast packets leave with
     * hop limit 255, as Neighbor Discovery requires (RFC 4861 §7.1.2).
     */
    int openNeighbourDiscoverySocket() throws IOException {
        int fd = libc.socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMPV6);
        if (fd < 0) {
            throw failure("socket(AF_INET6, SOCK_RAW, 58)");
        }
        Pointer hops = allocate(4);
        hops.putInt(0, 255);
        if (libc.setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, hops, 4) != 0) {
            IOException e = failure("setsockopt(IPV6_MULTICAST_HOPS, 255)");
            libc.close(fd);
            throw e;
        }
        Reference.reachabilityFence(hops);
        return fd;
    }

    /** Waits up to {@code timeoutMillis} for {@code fd} to be readable; false on timeout or a signal. */
    boolean awaitReadable(int fd, Pointer pollfd, int timeoutMillis) throws IOException {
        pollfd.putInt(0, fd);
        pollfd.putShort(4, POLLIN);
        pollfd.putShort(6, (short) 0);
        int ready = libc.poll(pollfd, 1, timeoutMillis);
        if (ready < 0) {
            if (errno() == EINTR) {
                return false;
            }
            throw failure("poll");
        }
        return ready > 0;
    }

    long read(int fd, Pointer buffer, int capacity) {
        return libc.read(fd, buffer, capacity);
    }

    long write(int fd, Pointer buffer, int length) {
        return libc.write(fd, buffer, length);
    }

    /** One datagram without waiting ({@code MSG_DONTWAIT}): -1 with {@code EAGAIN} when none is queued. */
    long recvfrom(int fd, Pointer buffer, int capacity, Pointer address, Pointer addressLength) {
        addressLength.putInt(0, SOCKADDR_IN6_SIZE);
        return libc.recvfrom(fd, buffer, capacity, MSG_DONTWAIT, address, addressLength);
    }

    long sendto(int fd, Pointer buffer, int length, Pointer address) {
        return libc.sendto(fd, buffer, length, 0, address, SOCKADDR_IN6_SIZE);
    }

    void close(int fd) {
        libc.close(fd);
    }

    Pointer allocate(int size) {
        return Memory.allocateDirect(runtime, size, true);
    }

    /** A {@code sockaddr_in6} for {@code address} (16 octets), port 0. */
    Pointer sockaddrIn6(byte[] address) {
        Pointer a = allocate(SOCKADDR_IN6_SIZE);
        a.putShort(0, (short) AF_INET6);
        a.put(8, address, 0, 16);
        return a;
    }

    int errno() {
        return LastError.getLastError(runtime);
    }

    /** An exception naming the call and the error, e.g. {@code ioctl(TUNSETIFF, mip6ha): Operation not permitted (errno 1)}. */
    IOException failure(String call) {
        int e = errno();
        return errnoException(call, e);
    }

    IOException errnoException(String call, int e) {
        String text = call + ": " + libc.strerror(e) + " (errno " + e + ")";
        return e == EMSGSIZE ? new TunnelSocket.PacketTooLargeException(text) : new IOException(text);
    }

    /** Loads on first use (JLS 12.4.1). */
    private static final class Loaded {
        static final Loaded INSTANCE = new Loaded();
        final NativeCalls calls;
        final String failure;
        final Throwable cause;

        private Loaded() {
            NativeCalls c = null;
            String f = null;
            Throwable t = null;
            try {
                Platform platform = Platform.getNativePlatform();
                Runtime rt = Runtime.getSystemRuntime();
                if (platform.getOS() != Platform.OS.LINUX || rt.addressSize() != 8) {
                    f = "the user-space data plane (TUN, raw sockets) runs on 64-bit Linux only; this is "
                            + platform.getOS() + " on " + platform.getCPU();
                } else {
                    c = new NativeCalls(LibraryLoader.create(LibC.class).option(LibraryOption.SaveError, true).load("c"));
                }
            } catch (LinkageError | RuntimeException e) {
                f = "cannot bind libc with jnr-ffi for the data plane: " + e;
                t = e;
            }
            calls = c;
            failure = f;
            cause = t;
        }
    }
}
