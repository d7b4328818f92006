package org.mip6kit.dataplane;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

import jnr.ffi.Pointer;

/**
 * A TUN interface opened through {@code /dev/net/tun} with {@code IFF_TUN | IFF_NO_PI}: each
 * read returns one IPv6 packet the host routed into the interface, each write hands one to the
 * host's stack as if it had arrived on it. The interface is not persistent: it disappears with
 * the last open descriptor, so nothing stays behind when the process ends, even by SIGKILL.
 * Addresses, MTU and routes are set by {@link LinkCommands}.
 *
 * <p>The descriptor is non-blocking: a read tries {@code read} first and waits in {@code poll}
 * (with a timeout, so that {@link #close} from another thread ends a reader within it) only when
 * nothing is queued — one system call per packet under load. Writes are serialised; a write
 * the device cannot take at once ({@code EAGAIN}: its queue is full) drops the packet, as a
 * full interface queue would.
 */
public final class TunDevice implements PacketDevice {

    /** Interface names the kernel accepts: 1 to 15 characters, no slash, colon or white space. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,15}");
    /** The largest packet read or written. */
    public static final int MAX_PACKET = 65535;

    private final NativeCalls calls;
    private final int fd;
    private final String name;
    private final Pointer readBuffer;
    private final Pointer pollfd;
    private final Pointer writeBuffer;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Object writeLock = new Object();

    private TunDevice(NativeCalls calls, int fd, String name) {
        this.calls = calls;
        this.fd = fd;
        this.name = name;
        this.readBuffer = calls.allocate(MAX_PACKET);
        this.pollfd = calls.allocate(8);
        this.writeBuffer = calls.allocate(MAX_PACKET);
    }

    /**
     * Creates the TUN interface {@code name} (needs CAP_NET_ADMIN). It is down and has no address
     * until configured.
     *
     * @throws IOException when the name is invalid, jnr-ffi cannot bind libc, or the kernel refuses
     *         (EPERM without CAP_NET_ADMIN, EBUSY when a persistent interface of that name is in use)
     */
    public static TunDevice open(String name) throws IOException {
        checkName(name);
        NativeCalls calls = NativeCalls.load();
        return new TunDevice(calls, calls.openTun(name), name);
    }

    /** Refuses a name the kernel would not accept as an interface name. */
    public static String checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("an interface name is 1 to 15 letters, digits, '_', '.' or '-': "
                    + name);
        }
        return name;
    }

    @Override
    public int read(byte[] buffer, int timeoutMillis) throws IOException {
        if (closed.get()) {
            return -1;
        }
        long n = calls.read(fd, readBuffer, MAX_PACKET);
        if (n < 0 && calls.errno() == NativeCalls.EAGAIN) {
            if (!calls.awaitReadable(fd, pollfd, timeoutMillis)) {
                return closed.get() ? -1 : 0;
            }
            n = calls.read(fd, readBuffer, MAX_PACKET);
        }
        if (n < 0) {
            int e = calls.errno();
            if (e == NativeCalls.EAGAIN || e == NativeCalls.EINTR) {
                return 0;
            }
            if (closed.get()) {
                return -1;
            }
            throw calls.errnoException("read(" + name + ")", e);
        }
        int length = (int) Math.min(n, buffer.length);
        readBuffer.get(0, buffer, 0, length);
        return length;
    }

    @Override
    public void write(byte[] packet, int offset, int length) throws IOException {
        synchronized (writeLock) {
            if (closed.get()) {
                throw new IOException(name + " is closed");
            }
            writeBuffer.put(0, packet, offset, length);
            long n = calls.write(fd, writeBuffer, length);
            if (n < 0) {
                throw calls.failure("write(" + name + ")");
            }
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            synchronized (writeLock) {
                calls.close(fd);
            }
        }
    }

    @Override
    public String toString() {
        return "tun " + name;
    }
}
