package org.mip6kit.provider.ipsec.xfrm;

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
 * The libc calls behind {@link XfrmNetlinkSocket}, bound with jnr-ffi on the first {@link #load()}
 * (never when a class is loaded or a factory runs). 64-bit Linux only.
 *
 * <pre>
 * struct sockaddr_nl (12): nl_family u16 0 (AF_NETLINK 16), nl_pad u16 2, nl_pid u32 4, nl_groups u32 8
 * struct pollfd (8):       fd s32 0, events s16 4, revents s16 6
 * </pre>
 */
final class LibcNetlink {
    static final int AF_NETLINK = 16;
    static final int SOCK_RAW = 3;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int SOL_NETLINK = 270;
    static final int NETLINK_ADD_MEMBERSHIP = 1;
    static final int O_RDONLY = 0;
    static final int O_CLOEXEC = 0x80000;
    static final int CLONE_NEWNET = 0x40000000;
    static final int EINTR = 4;
    static final int EAGAIN = 11;
    private static final int MSG_DONTWAIT = 0x40;
    private static final short POLLIN = 1;
    private static final int SOCKADDR_NL_SIZE = 12;

    /** The libc functions used, as jnr-ffi binds them. Public only because jnr-ffi implements it. */
    public interface LibC {
        int socket(int domain, int type, int protocol);
        int bind(int fd, Pointer address, int length);
        int setsockopt(int fd, int level, int name, Pointer value, int length);
        @ssize_t long sendto(int fd, Pointer buffer, @size_t long length, int flags, Pointer address, int addressLength);
        @ssize_t long recv(int fd, Pointer buffer, @size_t long length, int flags);
        int poll(Pointer fds, @size_t long count, int timeoutMillis);
        int open(String path, int flags);
        int setns(int fd, int nstype);
        int shutdown(int fd, int how);
        int close(int fd);
    }

    private final LibC libc;
    private final Runtime runtime;

    private LibcNetlink(LibC libc) {
        this.libc = libc;
        this.runtime = Runtime.getRuntime(libc);
    }

    /** The bound calls; a load failure is remembered and rethrown as an {@link IllegalStateException}. */
    static LibcNetlink load() {
        Loaded l = Loaded.INSTANCE;
        if (l.failure != null) throw new IllegalStateException(l.failure, l.cause);
        return l.libc;
    }

    /** Moves the calling thread (only it) into the network namespace {@code /var/run/netns/<name>}. */
    void enterNamespace(String name) throws XfrmException {
        String path = "/var/run/netns/" + name;
        int fd = libc.open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) throw new XfrmException("open(" + path + ")", errno());
        try {
            if (libc.setns(fd, CLONE_NEWNET) != 0) throw new XfrmException("setns(" + path + ", CLONE_NEWNET)", errno());
        } finally {
            libc.close(fd);
        }
    }

    /** A NETLINK_XFRM socket bound to a kernel-chosen port id and the multicast groups in {@code groupMask}. */
    int openXfrm(int groupMask) throws XfrmException {
        int fd = libc.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, XfrmMessageTypes.NETLINK_XFRM);
        if (fd < 0) throw new XfrmException("socket(AF_NETLINK, SOCK_RAW, NETLINK_XFRM)", errno());
        Pointer address = sockaddrNl(groupMask);
        if (libc.bind(fd, address, SOCKADDR_NL_SIZE) != 0) {
            int e = errno();
            libc.close(fd);
            throw new XfrmException("bind(AF_NETLINK, groups 0x" + Integer.toHexString(groupMask) + ")", e);
        }
        Reference.reachabilityFence(address);
        return fd;
    }

    /** Sends one datagram to the kernel (port id 0). */
    void send(int fd, byte[] message) throws XfrmException {
        Pointer data = Memory.allocateDirect(runtime, message.length, true);
        data.put(0, message, 0, message.length);
        Pointer kernel = sockaddrNl(0);
        long n = libc.sendto(fd, data, message.length, 0, kernel, SOCKADDR_NL_SIZE);
        Reference.reachabilityFence(data);
        Reference.reachabilityFence(kernel);
        if (n < 0) throw new XfrmException("sendto(NETLINK_XFRM)", errno());
        if (n != message.length) throw new XfrmException("sendto(NETLINK_XFRM) short write " + n, 90);
    }

    /** Waits up to {@code timeoutMillis} for data; false on timeout or a signal. */
    boolean awaitReadable(int fd, int timeoutMillis) throws XfrmException {
        Pointer pollfd = Memory.allocateDirect(runtime, 8, true);
        pollfd.putInt(0, fd);
        pollfd.putShort(4, POLLIN);
        int ready = libc.poll(pollfd, 1, timeoutMillis);
        if (ready < 0) {
            int e = errno();
            if (e == EINTR) return false;
            throw new XfrmException("poll", e);
        }
        return ready > 0;
    }

    /** One datagram without waiting, or null if none is queued. */
    byte[] receive(int fd, Pointer buffer, int capacity) throws XfrmException {
        long n = libc.recv(fd, buffer, capacity, MSG_DONTWAIT);
        if (n < 0) {
            int e = errno();
            if (e == EAGAIN || e == EINTR) return null;
            throw new XfrmException("recv(NETLINK_XFRM)", e);
        }
        byte[] out = new byte[(int) Math.min(n, capacity)];
        buffer.get(0, out, 0, out.length);
        return out;
    }

    Pointer allocate(int size) {
        return Memory.allocateDirect(runtime, size, true);
    }

    void shutdown(int fd) { libc.shutdown(fd, 2); }

    void close(int fd) { libc.close(fd); }

    private Pointer sockaddrNl(int groups) {
        Pointer a = Memory.allocateDirect(runtime, SOCKADDR_NL_SIZE, true);
        a.putShort(0, (short) AF_NETLINK);
        a.putInt(4, 0);
        a.putInt(8, groups);
        return a;
    }

    private int errno() { return LastError.getLastError(runtime); }

    /** Loads on first use (JLS 12.4.1). */
    private static final class Loaded {
        static final Loaded INSTANCE = new Loaded();
        final LibcNetlink libc;
        final String failure;
        final Throwable cause;

        private Loaded() {
            LibcNetlink l = null;
            String f = null;
            Throwable c = null;
            try {
                Platform platform = Platform.getNativePlatform();
                Runtime rt = Runtime.getSystemRuntime();
                if (platform.getOS() != Platform.OS.LINUX || rt.addressSize() != 8) {
                    f = "XFRM netlink exists on 64-bit Linux only; this is " + platform.getOS() + " on "
                            + platform.getCPU();
                } else {
                    l = new LibcNetlink(LibraryLoader.create(LibC.class).option(LibraryOption.SaveError, true).load("c"));
                }
            } catch (LinkageError | RuntimeException e) {
                f = "cannot bind libc with jnr-ffi for the XFRM netlink socket: " + e;
                c = e;
            }
            libc = l;
            failure = f;
            cause = c;
        }
    }
}
