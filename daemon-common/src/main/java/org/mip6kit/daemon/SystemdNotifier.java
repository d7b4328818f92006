package org.mip6kit.daemon;

import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.LibraryOption;
import jnr.ffi.Memory;
import jnr.ffi.Platform;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells a service manager (systemd, unit {@code Type=notify}) how a daemon is doing, with the
 * {@code sd_notify} protocol: each notification is one datagram of newline-separated
 * {@code KEY=value} lines sent to the {@code AF_UNIX}/{@code SOCK_DGRAM} socket that the
 * environment variable {@code NOTIFY_SOCKET} names — a file system path, or an abstract socket
 * name when the value starts with {@code @}.
 *
 * <p>The lines a daemon sends, in the order of its life:
 * <pre>
 * READY=1            start-up finished: the daemon serves    ({@link #ready})
 * STATUS=text        one line for `systemctl status`         (with every call, and {@link #status})
 * RELOADING=1        a reload started (with MONOTONIC_USEC)  ({@link #reloading}), then READY=1 again
 * STOPPING=1         the clean shutdown started              ({@link #stopping})
 * </pre>
 * {@code MAINPID} is never sent: the units run the JVM as their main process.
 *
 * <p>Without {@code NOTIFY_SOCKET} (a daemon started from a shell) every method does nothing and
 * no native code is loaded. A notification that cannot be sent (the socket is gone, the value
 * is not a socket address, libc cannot be bound) is logged once at WARN — later failures
 * silently — and never thrown: the daemon goes on serving whatever the service manager heard.
 *
 * <p>Why jnr-ffi: JDK 17 opens unix domain sockets of type {@code SOCK_STREAM} only
 * ({@code SocketChannel}); {@code DatagramChannel} has no {@code AF_UNIX} until much later. This
 * module already binds libc with jnr-ffi for the raw Mobility Header socket, so three more calls
 * ({@code socket}, {@code sendto}, {@code close}) cost no new dependency, where jnr-unixsocket
 * would add one for the same three calls. Each notification opens its own socket, sends and
 * closes it, as libsystemd's {@code sd_notify} does: nothing stays open between notifications,
 * and a service manager that restarts its socket is still reached. 64-bit Linux only (the
 * {@code sockaddr_un} layout below); elsewhere the first notification logs the WARN.
 *
 * <pre>
 * struct sockaddr_un (110): sun_family u16 0 (AF_UNIX 1), sun_path char[108] 2
 *   path:     "/run/systemd/notify" NUL, length 2 + strlen + 1
 *   abstract: NUL "name" (no NUL after it), length 2 + 1 + strlen
 * struct timespec (16):     tv_sec s64 0, tv_nsec s64 8
 * </pre>
 *
 * <p>Thread-safe: every method may be called from any thread.
 */
public final class SystemdNotifier {

    /** The environment variable naming the service manager's socket. */
    public static final String NOTIFY_SOCKET = "NOTIFY_SOCKET";

    private static final Logger LOG = LoggerFactory.getLogger(SystemdNotifier.class);
    private static final SystemdNotifier DISABLED = new SystemdNotifier(null);

    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int MSG_NOSIGNAL = 0x4000;
    private static final int CLOCK_MONOTONIC = 1;
    private static final int SUN_PATH_SIZE = 108;
    private static final int SUN_PATH_OFFSET = 2;
    private static final int SOCKADDR_UN_SIZE = SUN_PATH_OFFSET + SUN_PATH_SIZE;
    /** A STATUS line is cut here: systemd shows one line, and a datagram must stay small. */
    static final int MAX_STATUS_CHARS = 400;

    private final String address;
    private final AtomicBoolean warned = new AtomicBoolean();

    private SystemdNotifier(String address) {
        this.address = address;
    }

    /** From this process's environment: disabled when {@code NOTIFY_SOCKET} is unset or empty. */
    public static SystemdNotifier fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /**
     * From {@code environment}'s {@code NOTIFY_SOCKET}: disabled when it is unset or empty. A value
     * that is neither an absolute path nor {@code @name}, or too long for {@code sun_path}, gives a
     * notifier whose first notification logs why nothing can be sent.
     */
    public static SystemdNotifier fromEnvironment(Map<String, String> environment) {
        Objects.requireNonNull(environment, "environment");
        String value = environment.get(NOTIFY_SOCKET);
        if (value == null || value.isEmpty()) {
            return DISABLED;
        }
        return new SystemdNotifier(value);
    }

    /** A notifier that sends nothing. */
    public static SystemdNotifier disabled() {
        return DISABLED;
    }

    /** Whether notifications are sent at all ({@code NOTIFY_SOCKET} was set). */
    public boolean enabled() {
        return address != null;
    }

    /** {@code READY=1} and {@code STATUS=status}: the daemon serves (again, after a reload). */
    public void ready(String status) {
        send("READY=1\nSTATUS=" + statusLine(status) + "\n");
    }

    /**
     * {@code RELOADING=1}, {@code MONOTONIC_USEC} (the {@code CLOCK_MONOTONIC} time in
     * microseconds, which systemd 253's {@code Type=notify-reload} asks for) and
     * {@code STATUS=status}. Follow it with {@link #ready} once the reload is over, whatever its outcome.
     */
    public void reloading(String status) {
        if (!enabled()) {
            return;
        }
        StringBuilder message = new StringBuilder("RELOADING=1\n");
        monotonicMicros().ifPresent(us -> message.append("MONOTONIC_USEC=").append(us).append('\n'));
        send(message.append("STATUS=").append(statusLine(status)).append('\n').toString());
    }

    /** {@code STOPPING=1} and {@code STATUS=status}: the clean shutdown started. */
    public void stopping(String status) {
        send("STOPPING=1\nSTATUS=" + statusLine(status) + "\n");
    }

    /** {@code STATUS=status} alone. */
    public void status(String status) {
        send("STATUS=" + statusLine(status) + "\n");
    }

    /** {@code status} on one line (line breaks become spaces), at most {@value #MAX_STATUS_CHARS} characters. */
    static String statusLine(String status) {
        Objects.requireNonNull(status, "status");
        String line = status.replace('\n', ' ').replace('\r', ' ');
        return line.length() <= MAX_STATUS_CHARS ? line : line.substring(0, MAX_STATUS_CHARS - 3) + "...";
    }

    /** Sends {@code message} as one datagram; a failure is logged (the first one only), never thrown. */
    void send(String message) {
        if (!enabled()) {
            return;
        }
        try {
            byte[] socketAddress = socketAddress(address);
            Libc.load().sendDatagram(socketAddress, message.getBytes(StandardCharsets.UTF_8));
        } catch (NotificationException e) {
            if (warned.compareAndSet(false, true)) {
                LOG.warn("cannot notify the service manager through NOTIFY_SOCKET={}: {}; the daemon runs on, but a "
                        + "unit of Type=notify will not see it ready (further failures are not logged)", address,
                        e.getMessage());
            }
        }
    }

    /**
     * The {@code sun_path} octets and their meaningful length: {@code @name} becomes a leading
     * NUL and the name, a path its octets and a terminating NUL.
     */
    static byte[] socketAddress(String value) throws NotificationException {
        byte[] path;
        if (value.startsWith("@")) {
            byte[] name = value.substring(1).getBytes(StandardCharsets.UTF_8);
            path = new byte[1 + name.length];
            System.arraycopy(name, 0, path, 1, name.length);
        } else if (value.startsWith("/")) {
            byte[] name = value.getBytes(StandardCharsets.UTF_8);
            path = new byte[name.length + 1];
            System.arraycopy(name, 0, path, 0, name.length);
        } else {
            throw new NotificationException("not an absolute socket path or an @abstract name (this notifier "
                    + "speaks AF_UNIX only)");
        }
        if (path.length > SUN_PATH_SIZE) {
            throw new NotificationException("longer than the " + SUN_PATH_SIZE + " octets of sun_path");
        }
        return path;
    }

    private static Optional<Long> monotonicMicros() {
        try {
            return Optional.of(Libc.load().monotonicMicros());
        } catch (NotificationException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return enabled() ? "SystemdNotifier[" + address + "]" : "SystemdNotifier[disabled]";
    }

    /** Why a notification was not sent. */
    static final class NotificationException extends Exception {
        NotificationException(String message) {
            super(message);
        }
    }

    /** The libc calls, bound on the first notification; a failure to bind is remembered. */
    private static final class Libc {

        /** The libc functions used, as jnr-ffi binds them. Public only because jnr-ffi implements it. */
        public interface Calls {
            int socket(int domain, int type, int protocol);

            @ssize_t long sendto(int fd, Pointer buffer, @size_t long length, int flags, Pointer address, int addressLength);

            int clock_gettime(int clock, Pointer timespec);

            int close(int fd);

            String strerror(int errno);
        }

        private static final Libc INSTANCE;
        private static final String FAILURE;

        static {
            Libc loaded = null;
            String failure = null;
            try {
                Platform platform = Platform.getNativePlatform();
                Runtime system = Runtime.getSystemRuntime();
                if (platform.getOS() != Platform.OS.LINUX || system.addressSize() != 8) {
                    failure = "service manager notification is implemented for 64-bit Linux only; this is "
                            + platform.getOS() + " on " + platform.getCPU();
                } else {
                    loaded = new Libc(LibraryLoader.create(Calls.class).option(LibraryOption.SaveError, true)
                            .load("c"));
                }
            } catch (LinkageError | RuntimeException e) {
                failure = "cannot bind libc's socket calls with jnr-ffi: " + e;
            }
            INSTANCE = loaded;
            FAILURE = failure;
        }

        private final Calls calls;
        private final Runtime runtime;

        private Libc(Calls calls) {
            this.calls = calls;
            this.runtime = Runtime.getRuntime(calls);
        }

        static Libc load() throws NotificationException {
            if (INSTANCE == null) {
                throw new NotificationException(FAILURE);
            }
            return INSTANCE;
        }

        void sendDatagram(byte[] sunPath, byte[] message) throws NotificationException {
            Pointer address = Memory.allocateDirect(runtime, SOCKADDR_UN_SIZE, true);
            address.putShort(0, (short) AF_UNIX);
            address.put(SUN_PATH_OFFSET, sunPath, 0, sunPath.length);
            Pointer data = Memory.allocateDirect(runtime, Math.max(1, message.length), true);
            data.put(0, message, 0, message.length);
            int fd = calls.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
            if (fd < 0) {
                throw failure("socket(AF_UNIX, SOCK_DGRAM)");
            }
            try {
                long sent = calls.sendto(fd, data, message.length, MSG_NOSIGNAL, address,
                        SUN_PATH_OFFSET + sunPath.length);
                if (sent < 0) {
                    throw failure("sendto");
                }
                if (sent != message.length) {
                    throw new NotificationException("sendto sent " + sent + " of " + message.length + " octets");
                }
            } finally {
                calls.close(fd);
                // jnr-ffi frees direct memory once unreachable: keep both until the call is over.
                Reference.reachabilityFence(address);
                Reference.reachabilityFence(data);
            }
        }

        long monotonicMicros() throws NotificationException {
            Pointer timespec = Memory.allocateDirect(runtime, 16, true);
            if (calls.clock_gettime(CLOCK_MONOTONIC, timespec) != 0) {
                throw failure("clock_gettime(CLOCK_MONOTONIC)");
            }
            return timespec.getLong(0) * 1_000_000L + timespec.getLong(8) / 1_000L;
        }

        private NotificationException failure(String call) {
            int errno = LastError.getLastError(runtime);
            return new NotificationException(call + " failed: " + calls.strerror(errno) + " (errno " + errno + ")");
        }
    }
}
