package org.mip6kit.transport;

import java.io.IOException;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.LibraryOption;
import jnr.ffi.Memory;
import jnr.ffi.Platform;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

import org.mip6kit.spi.SecurityProviderException;

/**
 * The few libc socket calls behind {@link RawMobilityHeaderSocket}, bound with jnr-ffi the first
 * time {@link #load()} is called (never when a network is built or its class loaded). The JDK
 * offers no raw sockets and no ancillary data, so {@code socket}, {@code setsockopt},
 * {@code recvmsg}/{@code sendmsg} with {@code IPV6_PKTINFO}, {@code poll} and {@code shutdown}
 * are called directly.
 *
 * <p>The struct layouts ({@code msghdr}, {@code iovec}, {@code cmsghdr}, {@code sockaddr_in6},
 * {@code in6_pktinfo}, {@code pollfd}) and constants are those of 64-bit Linux (x86_64, aarch64);
 * {@link #load()} refuses any other platform. Nothing here knows about Mobile IPv6.
 */
final class LibcSockets {

    static final int AF_INET6 = 10;
    static final int SOCK_RAW = 3;
    static final int SOL_SOCKET = 1;
    static final int SO_BINDTODEVICE = 25;
    static final int IPPROTO_IPV6 = 41;
    static final int IPV6_CHECKSUM = 7;
    static final int IPV6_RECVPKTINFO = 49;
    static final int IPV6_PKTINFO = 50;
    static final int SHUT_RDWR = 2;

    static final int EPERM = 1;
    static final int EINTR = 4;
    static final int EAGAIN = 11;
    static final int EACCES = 13;
    static final int EPROTONOSUPPORT = 93;
    static final int EAFNOSUPPORT = 97;

    private static final short POLLIN = 1;
    private static final int MSG_TRUNC = 0x20;
    private static final int MSG_DONTWAIT = 0x40;

    // struct msghdr (LP64): name, namelen, iov, iovlen, control, controllen, flags
    private static final int MSGHDR_SIZE = 56;
    private static final int MSG_NAME = 0;
    private static final int MSG_NAMELEN = 8;
    private static final int MSG_IOV = 16;
    private static final int MSG_IOVLEN = 24;
    private static final int MSG_CONTROL = 32;
    private static final int MSG_CONTROLLEN = 40;
    private static final int MSG_FLAGS = 48;
    // struct sockaddr_in6: family, port, flowinfo, addr[16] at 8, scope_id at 24
    private static final int SOCKADDR_IN6_SIZE = 28;
    // struct cmsghdr (LP64): len (size_t), level, type, then data at 16; struct in6_pktinfo: addr[16], ifindex
    private static final int CMSG_HEADER = 16;
    private static final int IN6_PKTINFO_SIZE = 20;
    private static final int PKTINFO_CMSG_SPACE = CMSG_HEADER + align(IN6_PKTINFO_SIZE);
    private static final int RECEIVE_CONTROL_SIZE = 256;

    /** The libc functions used, as jnr-ffi binds them. Public only because jnr-ffi implements it. */
    public interface LibC {
        int socket(int domain, int type, int protocol);

        int setsockopt(int fd, int level, int name, Pointer value, int length);

        int poll(Pointer fds, @size_t long count, int timeoutMillis);

        @ssize_t long recvmsg(int fd, Pointer message, int flags);

        @ssize_t long sendmsg(int fd, Pointer message, int flags);

        int shutdown(int fd, int how);

        int close(int fd);

        String strerror(int errno);
    }

    private final LibC libc;
    private final Runtime runtime;

    private LibcSockets(LibC libc) {
        this.libc = libc;
        this.runtime = Runtime.getRuntime(libc);
    }

    /**
     * The bound calls, loaded on the first call; a failure to load is remembered and thrown again.
     *
     * @throws SecurityProviderException if this is not 64-bit Linux or jnr-ffi cannot bind libc
     */
    static LibcSockets load() {
        Loaded loaded = Loaded.INSTANCE;
        if (loaded.failure != null) {
            throw new SecurityProviderException(loaded.failure.getMessage(), loaded.failure);
        }
        return loaded.sockets;
    }

    int socket(int domain, int type, int protocol) throws ErrnoException {
        int fd = libc.socket(domain, type, protocol);
        if (fd < 0) {
            throw failure("socket");
        }
        return fd;
    }

    void setIntOption(int fd, int level, int name, int value) throws ErrnoException {
        Pointer v = Memory.allocateDirect(runtime, 4, true);
        v.putInt(0, value);
        if (libc.setsockopt(fd, level, name, v, 4) != 0) {
            throw failure("setsockopt(" + level + ", " + name + ")");
        }
    }

    void bindToDevice(int fd, String interfaceName) throws ErrnoException {
        byte[] name = interfaceName.getBytes(StandardCharsets.US_ASCII);
        Pointer v = Memory.allocateDirect(runtime, name.length + 1, true);
        v.put(0, name, 0, name.length);
        if (libc.setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, v, name.length + 1) != 0) {
            throw failure("setsockopt(SO_BINDTODEVICE, " + interfaceName + ")");
        }
    }

    /** Waits up to {@code timeoutMillis} for {@code fd} to become readable; false on timeout or a signal. */
    boolean awaitReadable(int fd, int timeoutMillis) throws ErrnoException {
        Pointer pollfd = Memory.allocateDirect(runtime, 8, true);
        pollfd.putInt(0, fd);
        pollfd.putShort(4, POLLIN);
        int ready = libc.poll(pollfd, 1, timeoutMillis);
        if (ready < 0) {
            int errno = LastError.getLastError(runtime);
            if (errno == EINTR) {
                return false;
            }
            throw new ErrnoException("poll", errno, libc.strerror(errno));
        }
        return ready > 0;
    }

    /** Native buffers for one receiving thread. */
    ReceiveBuffers receiveBuffers(int capacity) {
        return new ReceiveBuffers(capacity);
    }

    /**
     * One {@code recvmsg} without waiting; empty if nothing is queued (or a signal came).
     */
    Optional<Received> receive(int fd, ReceiveBuffers b) throws ErrnoException {
        b.message.putInt(MSG_NAMELEN, SOCKADDR_IN6_SIZE);
        b.message.putLong(MSG_CONTROLLEN, RECEIVE_CONTROL_SIZE);
        b.message.putInt(MSG_FLAGS, 0);
        long n = libc.recvmsg(fd, b.message, MSG_DONTWAIT);
        if (n < 0) {
            int errno = LastError.getLastError(runtime);
            if (errno == EAGAIN || errno == EINTR) {
                return Optional.empty();
            }
            throw new ErrnoException("recvmsg", errno, libc.strerror(errno));
        }
        int length = (int) Math.min(n, b.capacity);
        byte[] payload = new byte[length];
        b.data.get(0, payload, 0, length);
        byte[] source = new byte[16];
        b.name.get(8, source, 0, 16);
        boolean truncated = (b.message.getInt(MSG_FLAGS) & MSG_TRUNC) != 0;
        return Optional.of(new Received(payload, source, truncated, pktinfo(b)));
    }

    /**
     * One {@code sendmsg} to {@code destination} (16 octets), with an {@code IPV6_PKTINFO}
     * message choosing the source address when {@code source} is given and the outgoing
     * interface when {@code interfaceIndex} is not 0.
     */
    void send(int fd, byte[] payload, byte[] destination, int interfaceIndex, byte[] source) throws ErrnoException {
        Pointer name = Memory.allocateDirect(runtime, SOCKADDR_IN6_SIZE, true);
        name.putShort(0, (short) AF_INET6);
        name.put(8, destination, 0, 16);
        name.putInt(24, interfaceIndex);
        Pointer data = Memory.allocateDirect(runtime, Math.max(1, payload.length), true);
        data.put(0, payload, 0, payload.length);
        Pointer iov = Memory.allocateDirect(runtime, 16, true);
        iov.putAddress(0, data.address());
        iov.putLong(8, payload.length);
        Pointer message = Memory.allocateDirect(runtime, MSGHDR_SIZE, true);
        message.putAddress(MSG_NAME, name.address());
        message.putInt(MSG_NAMELEN, SOCKADDR_IN6_SIZE);
        message.putAddress(MSG_IOV, iov.address());
        message.putLong(MSG_IOVLEN, 1);
        Pointer control = null;
        if (source != null || interfaceIndex != 0) {
            control = Memory.allocateDirect(runtime, PKTINFO_CMSG_SPACE, true);
            control.putLong(0, CMSG_HEADER + IN6_PKTINFO_SIZE);
            control.putInt(8, IPPROTO_IPV6);
            control.putInt(12, IPV6_PKTINFO);
            if (source != null) {
                control.put(CMSG_HEADER, source, 0, 16);
            }
            control.putInt(CMSG_HEADER + 16, interfaceIndex);
            message.putAddress(MSG_CONTROL, control.address());
            message.putLong(MSG_CONTROLLEN, PKTINFO_CMSG_SPACE);
        }
        long n = libc.sendmsg(fd, message, 0);
        // The buffers must outlive the call: jnr-ffi frees direct memory once it is unreachable.
        Reference.reachabilityFence(name);
        Reference.reachabilityFence(data);
        Reference.reachabilityFence(iov);
        Reference.reachabilityFence(control);
        if (n < 0) {
            throw failure("sendmsg");
        }
    }

    /** Wakes a thread waiting in {@code poll} or {@code recvmsg} on {@code fd}; the result is ignored. */
    void shutdown(int fd) {
        libc.shutdown(fd, SHUT_RDWR);
    }

    void close(int fd) {
        libc.close(fd);
    }

    private Optional<PacketInfo> pktinfo(ReceiveBuffers b) {
        long controlLength = Math.min(b.message.getLong(MSG_CONTROLLEN), RECEIVE_CONTROL_SIZE);
        long offset = 0;
        while (offset + CMSG_HEADER <= controlLength) {
            long length = b.control.getLong(offset);
            if (length < CMSG_HEADER || offset + length > controlLength) {
                break;
            }
            if (b.control.getInt(offset + 8) == IPPROTO_IPV6 && b.control.getInt(offset + 12) == IPV6_PKTINFO
                    && length >= CMSG_HEADER + IN6_PKTINFO_SIZE) {
                byte[] destination = new byte[16];
                b.control.get(offset + CMSG_HEADER, destination, 0, 16);
                return Optional.of(new PacketInfo(destination, b.control.getInt(offset + CMSG_HEADER + 16)));
            }
            offset += align((int) length);
        }
        return Optional.empty();
    }

    private ErrnoException failure(String call) {
        int errno = LastError.getLastError(runtime);
        return new ErrnoException(call, errno, libc.strerror(errno));
    }

    private static int align(int length) {
        return (length + 7) & ~7;
    }

    /** The buffers of one receiving thread, reused for every {@code recvmsg}. */
    final class ReceiveBuffers {
        private final int capacity;
        private final Pointer name = Memory.allocateDirect(runtime, SOCKADDR_IN6_SIZE, true);
        private final Pointer data;
        private final Pointer iov = Memory.allocateDirect(runtime, 16, true);
        private final Pointer control = Memory.allocateDirect(runtime, RECEIVE_CONTROL_SIZE, true);
        private final Pointer message = Memory.allocateDirect(runtime, MSGHDR_SIZE, true);

        private ReceiveBuffers(int capacity) {
            this.capacity = capacity;
            this.data = Memory.allocateDirect(runtime, capacity, true);
            iov.putAddress(0, data.address());
            iov.putLong(8, capacity);
            message.putAddress(MSG_NAME, name.address());
            message.putAddress(MSG_IOV, iov.address());
            message.putLong(MSG_IOVLEN, 1);
            message.putAddress(MSG_CONTROL, control.address());
        }
    }

    /**
     * One received datagram: its payload (for a raw IPv6 socket, what follows the IPv6 header
     * and the extension headers the kernel processed), the source address, whether it was longer
     * than the buffer, and the {@code IPV6_PKTINFO} the kernel attached.
     */
    record Received(byte[] payload, byte[] source, boolean truncated, Optional<PacketInfo> packetInfo) {
    }

    /** {@code struct in6_pktinfo}: the destination address of a received packet and its ingress interface index. */
    record PacketInfo(byte[] destination, int interfaceIndex) {
    }

    /** A libc call failed with {@code errno}. */
    static final class ErrnoException extends IOException {
        private final int errno;

        ErrnoException(String call, int errno, String description) {
            super(call + " failed: " + description + " (errno " + errno + ")");
            this.errno = errno;
        }

        int errno() {
            return errno;
        }
    }

    /** Loads on first use (JLS 12.4.1: initialised when {@code INSTANCE} is first read). */
    private static final class Loaded {
        static final Loaded INSTANCE = new Loaded();

        final LibcSockets sockets;
        final SecurityProviderException failure;

        private Loaded() {
            LibcSockets s = null;
            SecurityProviderException f = null;
            try {
                Platform platform = Platform.getNativePlatform();
                Runtime runtime = Runtime.getSystemRuntime();
                if (platform.getOS() != Platform.OS.LINUX || runtime.addressSize() != 8 || runtime.longSize() != 8) {
                    f = new SecurityProviderException("the raw Mobility Header socket is implemented for 64-bit "
                            + "Linux only; this is " + platform.getOS() + " on " + platform.getCPU()
                            + ": use a transport that needs no raw socket");
                } else {
                    LibC libc = LibraryLoader.create(LibC.class).option(LibraryOption.SaveError, true).load("c");
                    s = new LibcSockets(libc);
                }
            } catch (LinkageError | RuntimeException e) {
                f = new SecurityProviderException("cannot bind the native socket calls of the raw Mobility Header "
                        + "socket with jnr-ffi (is jnr-ffi with its jffi native library on the class path?): " + e, e);
            }
            this.sockets = s;
            this.failure = f;
        }
    }
}
