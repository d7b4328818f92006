package org.mip6kit.transport;

import java.io.IOException;
import java.net.BindException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.LibraryOption;
import jnr.ffi.Platform;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * A UDP socket read with {@code recvmmsg} and written with {@code sendmmsg}: up to
 * {@link #batchSize()} datagrams per system call, where the JDK makes one call per datagram.
 * Bound with jnr-ffi the first time {@link #open} is called, never when the class is loaded by
 * its neighbours; {@link UdpTransport} falls back to {@link JdkDatagramIo} when this path is
 * unavailable.
 *
 * <p>The socket is an {@code AF_INET6} datagram socket with {@code IPV6_V6ONLY} off, as the
 * JDK opens one: IPv4 peers arrive IPv4-mapped and are reported as IPv4, an IPv4 bind address is
 * bound as its mapped form. A receive timeout of one second ({@code SO_RCVTIMEO}) lets a receive
 * thread look at its transport's state even if no datagram and no wake-up ever comes.
 *
 * <p>Memory: each reader keeps {@code batchSize} slots of {@value #RECEIVE_SLOT} octets outside
 * the heap (2 MiB for 32), each writer {@code batchSize} slots of an inner packet's maximum; both
 * are direct buffers, freed with their reader or writer. Nothing on the heap is allocated per
 * datagram except the source address of a peer not seen recently (a small cache per reader).
 *
 * <p>The struct layouts ({@code mmsghdr}, {@code msghdr}, {@code iovec}, {@code sockaddr_in6},
 * {@code timeval}) and constants are those of 64-bit Linux (x86_64, aarch64); {@link #open}
 * refuses any other platform. Nothing here knows about Mobile IPv6.
 */
final class LinuxBatchDatagramIo implements DatagramIo {

    private static final int AF_INET6 = 10;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int SOL_SOCKET = 1;
    private static final int SO_RCVBUF = 8;
    private static final int SO_RCVTIMEO = 20;
    private static final int IPPROTO_IPV6 = 41;
    private static final int IPV6_V6ONLY = 26;
    private static final int MSG_TRUNC = 0x20;
    private static final int MSG_WAITFORONE = 0x10000;
    private static final int SHUT_RDWR = 2;
    private static final int EINTR = 4;
    private static final int EAGAIN = 11;

    /** Octets a receive slot takes: the largest UDP payload. */
    static final int RECEIVE_SLOT = UdpTransport.MAX_DATAGRAM;
    private static final int RECEIVE_SLOT_STRIDE = 65536;
    private static final int SEND_SLOT = align(UdpTransport.MAX_INNER_PACKET);

    // struct mmsghdr (LP64): struct msghdr (name, namelen, iov, iovlen, control, controllen, flags), then msg_len
    private static final int MMSGHDR = 64;
    private static final int MSG_NAME = 0;
    private static final int MSG_NAMELEN = 8;
    private static final int MSG_IOV = 16;
    private static final int MSG_IOVLEN = 24;
    private static final int MSG_FLAGS = 48;
    private static final int MSG_LEN = 56;
    private static final int IOVEC = 16;
    // struct sockaddr_in6: family (host order), port (network order), flowinfo, addr[16] at 8, scope_id at 24
    private static final int SOCKADDR_IN6 = 28;
    private static final int SOCKADDR_STRIDE = 32;

    /** The libc functions used, as jnr-ffi binds them. Public only because jnr-ffi implements it. */
    public interface LibC {
        int socket(int domain, int type, int protocol);

        int setsockopt(int fd, int level, int name, Pointer value, int length);

        int bind(int fd, Pointer address, int length);

        int getsockname(int fd, Pointer address, Pointer length);

        int recvmmsg(int fd, Pointer messages, int count, int flags, Pointer timeout);

        int sendmmsg(int fd, Pointer messages, int count, int flags);

        int shutdown(int fd, int how);

        int close(int fd);

        String strerror(int errno);
    }

    /** Why the batched path cannot be used on this host (not Linux, no jnr-ffi, no IPv6 sockets). */
    static final class UnavailableException extends Exception {
        UnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final LibC libc;
    private final Runtime runtime;
    private final int fd;
    private final int batchSize;
    private final InetSocketAddress localAddress;
    private final AtomicInteger uses = new AtomicInteger();
    private final AtomicBoolean released = new AtomicBoolean();
    private volatile boolean closing;
    private Writer oneAtATime; // guarded by this

    private LinuxBatchDatagramIo(Loaded loaded, int fd, int batchSize, InetSocketAddress localAddress) {
        this.libc = loaded.libc;
        this.runtime = loaded.runtime;
        this.fd = fd;
        this.batchSize = batchSize;
        this.localAddress = localAddress;
    }

    /**
     * Opens and binds the socket.
     *
     * @throws UnavailableException if this is not 64-bit Linux, jnr-ffi cannot bind libc, or the
     *         kernel has no IPv6 datagram sockets: the JDK path can still be tried
     * @throws IOException if the socket cannot be set up or bound (a {@link BindException} with
     *         the kernel's words for a busy port, a missing address or a privileged port)
     */
    static LinuxBatchDatagramIo open(InetSocketAddress endpoint, int receiveBufferBytes, int batchSize)
            throws UnavailableException, IOException {
        Loaded loaded = Loaded.INSTANCE;
        if (loaded.failure != null) {
            throw new UnavailableException(loaded.failure.getMessage(), loaded.failure.getCause());
        }
        LibC libc = loaded.libc;
        int fd = libc.socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            int errno = LastError.getLastError(loaded.runtime);
            throw new UnavailableException("socket(AF_INET6, SOCK_DGRAM) failed: " + libc.strerror(errno)
                    + " (errno " + errno + ")", null);
        }
        try {
            ByteBuffer option = ByteBuffer.allocateDirect(16).order(ByteOrder.nativeOrder());
            Pointer p = Pointer.wrap(loaded.runtime, option);
            option.putInt(0, 0);
            check(loaded, libc.setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, p, 4), "setsockopt(IPV6_V6ONLY)");
            if (receiveBufferBytes > 0) {
                option.putInt(0, receiveBufferBytes);
                check(loaded, libc.setsockopt(fd, SOL_SOCKET, SO_RCVBUF, p, 4), "setsockopt(SO_RCVBUF)");
            }
            option.putLong(0, 1).putLong(8, 0); // struct timeval: 1 s
            check(loaded, libc.setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, p, 16), "setsockopt(SO_RCVTIMEO)");

            ByteBuffer name = ByteBuffer.allocateDirect(SOCKADDR_STRIDE).order(ByteOrder.nativeOrder());
            writeSockaddr(name, 0, endpoint);
            Pointer namePointer = Pointer.wrap(loaded.runtime, name);
            if (libc.bind(fd, namePointer, SOCKADDR_IN6) != 0) {
                int errno = LastError.getLastError(loaded.runtime);
                throw new BindException(libc.strerror(errno) + " (errno " + errno + ")");
            }
            ByteBuffer length = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder());
            length.putInt(0, SOCKADDR_IN6);
            check(loaded, libc.getsockname(fd, namePointer, Pointer.wrap(loaded.runtime, length)), "getsockname");
            InetSocketAddress bound = readSockaddr(name, 0);
            if (endpoint.getAddress() instanceof Inet4Address v4 && v4.isAnyLocalAddress()) {
                bound = new InetSocketAddress(v4, bound.getPort()); // as the JDK reports it
            }
            return new LinuxBatchDatagramIo(loaded, fd, batchSize, bound);
        } catch (IOException | RuntimeException e) {
            libc.close(fd);
            throw e;
        }
    }

    @Override
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    @Override
    public int batchSize() {
        return batchSize;
    }

    @Override
    public String describe() {
        return "Linux recvmmsg/sendmmsg through jnr-ffi, up to " + batchSize + " datagrams per system call";
    }

    @Override
    public Reader newReader() {
        return new BatchReader(batchSize);
    }

    @Override
    public Writer newWriter() {
        return new BatchWriter(batchSize, SEND_SLOT);
    }

    @Override
    public void send(byte[] datagram, int offset, int length, InetSocketAddress to) throws IOException {
        synchronized (this) {
            if (oneAtATime == null) {
                oneAtATime = new BatchWriter(1, RECEIVE_SLOT);
            }
            BatchWriter w = (BatchWriter) oneAtATime;
            w.put(0, datagram, offset, length, to);
            w.send(0, 1);
        }
    }

    @Override
    public void close() {
        closing = true;
        libc.shutdown(fd, SHUT_RDWR); // wakes threads in recvmmsg; the result does not matter
        if (uses.get() == 0) {
            release();
        }
    }

    @Override
    public String toString() {
        return "LinuxBatchDatagramIo[fd " + fd + ", " + OuterEndpoint.text(localAddress) + "]";
    }

    /** Marks a system call on the descriptor; false once closing (the descriptor may be gone). */
    private boolean enter() {
        uses.incrementAndGet();
        if (closing) {
            leave();
            return false;
        }
        return true;
    }

    /** The last user out after {@link #close} closes the descriptor, so its number is never reused under a call. */
    private void leave() {
        if (uses.decrementAndGet() == 0 && closing) {
            release();
        }
    }

    private void release() {
        if (released.compareAndSet(false, true)) {
            libc.close(fd);
        }
    }

    private IOException failure(String call) {
        int errno = LastError.getLastError(runtime);
        return new IOException(call + " failed: " + libc.strerror(errno) + " (errno " + errno + ")");
    }

    private static void check(Loaded loaded, int result, String call) throws IOException {
        if (result != 0) {
            int errno = LastError.getLastError(loaded.runtime);
            throw new IOException(call + " failed: " + loaded.libc.strerror(errno) + " (errno " + errno + ")");
        }
    }

    /** {@code struct sockaddr_in6} for {@code to}: an IPv4 address as its mapped form. */
    static void writeSockaddr(ByteBuffer b, int at, InetSocketAddress to) {
        InetAddress a = to.getAddress();
        byte[] address = a.getAddress();
        b.putShort(at, (short) AF_INET6);
        b.put(at + 2, (byte) (to.getPort() >>> 8)).put(at + 3, (byte) to.getPort());
        b.putInt(at + 4, 0);
        if (address.length == 4) {
            b.putLong(at + 8, 0).putLong(at + 16, 0);
            if (!a.isAnyLocalAddress()) { // ::ffff:a.b.c.d; the JDK binds 0.0.0.0 as ::
                b.put(at + 18, (byte) 0xFF).put(at + 19, (byte) 0xFF).put(at + 20, address, 0, 4);
            }
        } else {
            b.put(at + 8, address, 0, 16);
        }
        b.putInt(at + 24, a instanceof Inet6Address v6 ? v6.getScopeId() : 0);
    }

    /** A {@code struct sockaddr_in6} as an address, IPv4-mapped as IPv4; null if it is not AF_INET6. */
    static InetSocketAddress readSockaddr(ByteBuffer b, int at) {
        if (b.getShort(at) != AF_INET6) {
            return null;
        }
        int port = ((b.get(at + 2) & 0xFF) << 8) | (b.get(at + 3) & 0xFF);
        byte[] address = new byte[16];
        b.get(at + 8, address, 0, 16);
        int scope = b.getInt(at + 24);
        try {
            InetAddress a = scope != 0 ? Inet6Address.getByAddress(null, address, scope)
                    : InetAddress.getByAddress(address); // IPv4-mapped comes back as Inet4Address
            return new InetSocketAddress(a, port);
        } catch (UnknownHostException e) {
            throw new AssertionError("16 octets are always an address", e);
        }
    }

    private static int align(int length) {
        return (length + 7) & ~7;
    }

    /** The slots of one receive thread: {@code mmsghdr}s, {@code iovec}s, source addresses, data. */
    private final class BatchReader implements Reader {
        private final int slots;
        private final int iovs;
        private final int names;
        private final int data;
        private final ByteBuffer arena;
        private final Pointer messages;
        private final PeerCache peers = new PeerCache();

        BatchReader(int slots) {
            this.slots = slots;
            this.iovs = slots * MMSGHDR;
            this.names = iovs + slots * IOVEC;
            this.data = align(names + slots * SOCKADDR_STRIDE);
            this.arena = ByteBuffer.allocateDirect(data + slots * RECEIVE_SLOT_STRIDE).order(ByteOrder.nativeOrder());
            this.messages = Pointer.wrap(runtime, arena);
            long base = messages.address();
            for (int i = 0; i < slots; i++) {
                arena.putLong(iovs + i * IOVEC, base + data + (long) i * RECEIVE_SLOT_STRIDE);
                arena.putLong(iovs + i * IOVEC + 8, RECEIVE_SLOT);
                int m = i * MMSGHDR;
                arena.putLong(m + MSG_NAME, base + names + (long) i * SOCKADDR_STRIDE);
                arena.putLong(m + MSG_IOV, base + iovs + (long) i * IOVEC);
                arena.putLong(m + MSG_IOVLEN, 1);
            }
        }

        @Override
        public int receive() throws IOException {
            if (!enter()) {
                throw new ClosedChannelException();
            }
            int n;
            try {
                for (int i = 0; i < slots; i++) {
                    arena.putInt(i * MMSGHDR + MSG_NAMELEN, SOCKADDR_IN6);
                }
                n = libc.recvmmsg(fd, messages, slots, MSG_WAITFORONE, null);
                if (n < 0) {
                    int errno = LastError.getLastError(runtime);
                    if (closing) {
                        throw new ClosedChannelException();
                    }
                    if (errno == EAGAIN || errno == EINTR) {
                        return 0;
                    }
                    throw new IOException("recvmmsg failed: " + libc.strerror(errno) + " (errno " + errno + ")");
                }
            } finally {
                leave();
            }
            if (closing) {
                throw new ClosedChannelException(); // what shutdown woke us with is not a datagram
            }
            return n;
        }

        @Override
        public int length(int slot) {
            return arena.getInt(slot * MMSGHDR + MSG_LEN);
        }

        @Override
        public boolean truncated(int slot) {
            return (arena.getInt(slot * MMSGHDR + MSG_FLAGS) & MSG_TRUNC) != 0;
        }

        @Override
        public InetSocketAddress peer(int slot) {
            if (arena.getInt(slot * MMSGHDR + MSG_NAMELEN) < SOCKADDR_IN6) {
                return null;
            }
            return peers.lookup(arena, names + slot * SOCKADDR_STRIDE);
        }

        @Override
        public void copy(int slot, byte[] into) {
            int n = Math.min(Math.min(length(slot), RECEIVE_SLOT), into.length);
            arena.get(data + slot * RECEIVE_SLOT_STRIDE, into, 0, n);
        }
    }

    /** The slots of one sending thread; a slot's address is rewritten only when its peer changes. */
    private final class BatchWriter implements Writer {
        private final int slots;
        private final int slotSize;
        private final int iovs;
        private final int names;
        private final int data;
        private final ByteBuffer arena;
        private final Pointer[] from;
        private final InetSocketAddress[] peerIn;

        BatchWriter(int slots, int slotSize) {
            this.slots = slots;
            this.slotSize = slotSize;
            this.iovs = slots * MMSGHDR;
            this.names = iovs + slots * IOVEC;
            this.data = align(names + slots * SOCKADDR_STRIDE);
            this.arena = ByteBuffer.allocateDirect(data + slots * align(slotSize)).order(ByteOrder.nativeOrder());
            Pointer whole = Pointer.wrap(runtime, arena);
            long base = whole.address();
            this.from = new Pointer[slots];
            this.peerIn = new InetSocketAddress[slots];
            for (int i = 0; i < slots; i++) {
                from[i] = Pointer.wrap(runtime, base + (long) i * MMSGHDR);
                arena.putLong(iovs + i * IOVEC, base + data + (long) i * align(slotSize));
                int m = i * MMSGHDR;
                arena.putLong(m + MSG_NAME, base + names + (long) i * SOCKADDR_STRIDE);
                arena.putInt(m + MSG_NAMELEN, SOCKADDR_IN6);
                arena.putLong(m + MSG_IOV, base + iovs + (long) i * IOVEC);
                arena.putLong(m + MSG_IOVLEN, 1);
            }
            // `from` holds addresses inside `arena`, which this writer keeps reachable
        }

        @Override
        public int capacity() {
            return slots;
        }

        @Override
        public void put(int slot, byte[] datagram, int length, InetSocketAddress to) {
            put(slot, datagram, 0, length, to);
        }

        void put(int slot, byte[] datagram, int offset, int length, InetSocketAddress to) {
            if (length < 0 || length > slotSize) {
                throw new IllegalArgumentException("a datagram of " + length + " octets; a slot holds " + slotSize);
            }
            if (peerIn[slot] != to) {
                writeSockaddr(arena, names + slot * SOCKADDR_STRIDE, to);
                peerIn[slot] = to;
            }
            arena.put(data + slot * align(slotSize), datagram, offset, length);
            arena.putLong(iovs + slot * IOVEC + 8, length);
        }

        @Override
        public int send(int first, int count) throws IOException {
            if (!enter()) {
                throw new ClosedChannelException();
            }
            try {
                while (true) {
                    int n = libc.sendmmsg(fd, from[first], count, 0);
                    if (n > 0) {
                        return n;
                    }
                    if (n == 0) {
                        throw new IOException("sendmmsg sent none of " + count + " datagrams");
                    }
                    if (LastError.getLastError(runtime) != EINTR) {
                        throw failure("sendmmsg");
                    }
                }
            } finally {
                leave();
            }
        }
    }

    /**
     * The source addresses a reader saw last, so that a peer sending again gets the same
     * {@link InetSocketAddress} instead of a new one per datagram: 64 entries, direct-mapped by
     * address and port.
     */
    private static final class PeerCache {
        private static final int SIZE = 64;
        private final long[] high = new long[SIZE];
        private final long[] low = new long[SIZE];
        private final long[] portAndScope = new long[SIZE];
        private final InetSocketAddress[] peers = new InetSocketAddress[SIZE];

        InetSocketAddress lookup(ByteBuffer b, int at) {
            if (b.getShort(at) != AF_INET6) {
                return null;
            }
            long h = b.getLong(at + 8);
            long l = b.getLong(at + 16);
            long ps = ((long) b.getInt(at + 24) << 16) | ((b.get(at + 2) & 0xFF) << 8) | (b.get(at + 3) & 0xFF);
            long mix = (h ^ l * 0x9E3779B97F4A7C15L ^ ps * 0xC2B2AE3D27D4EB4FL);
            int i = (int) (mix ^ (mix >>> 29) ^ (mix >>> 47)) & (SIZE - 1);
            InetSocketAddress cached = peers[i];
            if (cached != null && high[i] == h && low[i] == l && portAndScope[i] == ps) {
                return cached;
            }
            InetSocketAddress peer = readSockaddr(b, at);
            high[i] = h;
            low[i] = l;
            portAndScope[i] = ps;
            peers[i] = peer;
            return peer;
        }
    }

    /** Loads on first use (JLS 12.4.1: initialised when {@code INSTANCE} is first read). */
    private static final class Loaded {
        static final Loaded INSTANCE = new Loaded();

        final LibC libc;
        final Runtime runtime;
        final UnavailableException failure;

        private Loaded() {
            LibC c = null;
            Runtime r = null;
            UnavailableException f = null;
            try {
                Platform platform = Platform.getNativePlatform();
                Runtime system = Runtime.getSystemRuntime();
                if (platform.getOS() != Platform.OS.LINUX || system.addressSize() != 8 || system.longSize() != 8) {
                    f = new UnavailableException("recvmmsg/sendmmsg are used on 64-bit Linux only; this is "
                            + platform.getOS() + " on " + platform.getCPU(), null);
                } else {
                    c = LibraryLoader.create(LibC.class).option(LibraryOption.SaveError, true).load("c");
                    r = Runtime.getRuntime(c);
                }
            } catch (LinkageError | RuntimeException e) {
                f = new UnavailableException("jnr-ffi cannot bind recvmmsg/sendmmsg (is jnr-ffi with its jffi "
                        + "native library on the class path?): " + e, e);
            }
            this.libc = c;
            this.runtime = r;
            this.failure = f;
        }
    }
}
