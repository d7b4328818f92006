package org.mip6kit.provider.ipsec.xfrm;

import java.io.Closeable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import jnr.ffi.Pointer;

/**
 * A NETLINK_XFRM socket ({@code socket(AF_NETLINK 16, SOCK_RAW, NETLINK_XFRM 6)}) for XFRM policy
 * requests, and subscriptions to the kernel's XFRM multicast groups.
 *
 * <p><b>Network namespace.</b> {@link #open(String)} creates the socket on a short-lived thread
 * that first {@code setns(fd, CLONE_NEWNET)}s into {@code /var/run/netns/<name>}; a socket
 * belongs for its whole life to the namespace it was created in, so afterwards any thread can use
 * it, and the thread that changed namespace ends (setns affects only the calling thread; no
 * other JVM thread changes namespace). {@link #open()} uses the caller's namespace.
 *
 * <p><b>Requests.</b> Every request carries NLM_F_REQUEST|NLM_F_ACK; {@link #request} sends it
 * and reads until the NLMSG_ERROR with the request's sequence number: errno 0 is the ACK, any
 * other errno becomes an {@link XfrmException} naming it symbolically. Messages with another
 * sequence number (a stale answer) are dropped. Requests are serialised on this object.
 *
 * <p>libc is bound with jnr-ffi on the first open, never when this class is loaded.
 */
public final class XfrmNetlinkSocket implements Closeable {
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final int BUFFER = 65536;

    private final LibcNetlink libc;
    private final String namespace;
    private final int fd;
    private final Pointer buffer;
    private final AtomicInteger seq = new AtomicInteger((int) (System.nanoTime() & 0x7fff_0000));
    private final AtomicBoolean closed = new AtomicBoolean();

    private XfrmNetlinkSocket(LibcNetlink libc, String namespace, int fd) {
        this.libc = libc;
        this.namespace = namespace;
        this.fd = fd;
        this.buffer = libc.allocate(BUFFER);
    }

    /** Opens a socket in the caller's network namespace. */
    public static XfrmNetlinkSocket open() throws XfrmException {
        LibcNetlink libc = LibcNetlink.load();
        return new XfrmNetlinkSocket(libc, null, libc.openXfrm(0));
    }

    /**
     * Opens a socket in the named network namespace ({@code ip netns add <name>}), see the class
     * comment; {@code null} means the caller's namespace.
     */
    public static XfrmNetlinkSocket open(String namespace) throws XfrmException {
        LibcNetlink libc = LibcNetlink.load();
        return new XfrmNetlinkSocket(libc, namespace, createIn(libc, namespace, 0));
    }

    private static int createIn(LibcNetlink libc, String namespace, int groupMask) throws XfrmException {
        if (namespace == null) return libc.openXfrm(groupMask);
        if (namespace.isEmpty() || namespace.contains("/") || namespace.startsWith(".")) {
            throw new IllegalArgumentException("not a namespace name: " + namespace);
        }
        CompletableFuture<Integer> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                libc.enterNamespace(namespace);
                result.complete(libc.openXfrm(groupMask));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "xfrm-netns-" + namespace);
        t.setDaemon(true);
        t.start();
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new XfrmException("open in namespace " + namespace + " (interrupted)", LibcNetlink.EINTR);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof XfrmException x) throw x;
            throw new IllegalStateException(e.getCause());
        }
    }

    /** The next sequence number for a request on this socket. */
    public int nextSeq() {
        return seq.incrementAndGet();
    }

    /**
     * Sends {@code message} (an encoded netlink request with NLM_F_ACK) and returns the kernel's
     * answer: every message with the request's sequence number before the ACK (empty for
     * NEW/UPD/DEL/FLUSH/MIGRATE, the policy for GET), each as its own byte array.
     *
     * @throws XfrmException with the kernel's errno when it answers NLMSG_ERROR ≠ 0, or ETIMEDOUT
     *         (110) when no ACK came within {@code timeout}
     */
    public synchronized List<byte[]> request(byte[] message, Duration timeout) throws XfrmException {
        ensureOpen();
        ByteBuffer h = ByteBuffer.wrap(message).order(ORDER);
        if (message.length < NetlinkMessage.HEADER_SIZE || h.getInt(0) != message.length) {
            throw new IllegalArgumentException("not one netlink message: nlmsg_len disagrees with its length");
        }
        int type = h.getShort(4) & 0xffff;
        int requestSeq = h.getInt(8);
        String op = XfrmMessageTypes.messageName(type);
        libc.send(fd, message);
        long deadline = System.nanoTime() + timeout.toNanos();
        List<byte[]> answer = new ArrayList<>();
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0 || !libc.awaitReadable(fd, (int) Math.min(left, Integer.MAX_VALUE))) {
                if (System.nanoTime() - deadline >= 0) throw new XfrmException(op + " (no answer in " + timeout + ")", 110);
                continue;
            }
            byte[] datagram = libc.receive(fd, buffer, BUFFER);
            if (datagram == null) continue;
            for (byte[] m : split(datagram)) {
                ByteBuffer b = ByteBuffer.wrap(m).order(ORDER);
                if (b.getInt(8) != requestSeq) continue;
                if ((b.getShort(4) & 0xffff) == NetlinkMessage.NLMSG_ERROR) {
                    XfrmMessages.NetlinkError e;
                    try {
                        e = XfrmMessages.decodeError(m, ORDER);
                    } catch (NetlinkFormatException x) {
                        throw new XfrmException(op + " (malformed NLMSG_ERROR: " + x.getMessage() + ")", 71);
                    }
                    if (e.errno() != 0) throw new XfrmException(op, e.errno());
                    return answer;
                }
                answer.add(m);
            }
        }
    }

    /** {@link #request} for an encoded {@link NetlinkMessage}. */
    public List<byte[]> request(NetlinkMessage message, Duration timeout) throws XfrmException {
        return request(message.encode(ORDER), timeout);
    }

    /** NEWPOLICY (or UPDPOLICY when {@code update}); ACK or an {@link XfrmException} (EEXIST for a duplicate NEW). */
    public void addPolicy(XfrmUserPolicyInfo info, List<XfrmUserTmpl> templates, int policyType, boolean update,
            Duration timeout) throws XfrmException {
        request(XfrmMessages.addPolicy(info, templates, policyType, update, nextSeq(), ORDER), timeout);
    }

    /** GETPOLICY: the decoded policy; ENOENT if there is none. */
    public XfrmMessages.Policy getPolicy(XfrmUserPolicyId id, int policyType, Duration timeout) throws XfrmException {
        List<byte[]> answer = request(XfrmMessages.policyById(id, policyType, true, nextSeq(), ORDER), timeout);
        for (byte[] m : answer) {
            try {
                return XfrmMessages.decodePolicy(m, ORDER);
            } catch (NetlinkFormatException e) {
                throw new XfrmException("GETPOLICY (malformed answer: " + e.getMessage() + ")", 71);
            }
        }
        throw new XfrmException("GETPOLICY (ACK without a policy)", 71);
    }

    /** DELPOLICY; ENOENT if there is none. */
    public void deletePolicy(XfrmUserPolicyId id, int policyType, Duration timeout) throws XfrmException {
        request(XfrmMessages.policyById(id, policyType, false, nextSeq(), ORDER), timeout);
    }

    /** FLUSHPOLICY of the main or sub policy type. */
    public void flushPolicies(int policyType, Duration timeout) throws XfrmException {
        request(XfrmMessages.flushPolicies(policyType, nextSeq(), ORDER), timeout);
    }

    /** MIGRATE the templates of policy {@code id}; {@code kmaddress} may be null. */
    public void migrate(XfrmUserPolicyId id, List<XfrmUserMigrate> moves, XfrmUserKmaddress kmaddress, int policyType,
            Duration timeout) throws XfrmException {
        request(XfrmMessages.migrate(id, moves, kmaddress, policyType, nextSeq(), ORDER), timeout);
    }

    /** The namespace name given to {@link #open(String)}, or null. */
    public String namespace() {
        return namespace;
    }

    /**
     * Subscribes to XFRM multicast groups (e.g. {@link XfrmMessageTypes#XFRMNLGRP_ACQUIRE} 1,
     * {@link XfrmMessageTypes#XFRMNLGRP_MIGRATE} 7) on a new socket in this socket's namespace,
     * bound with {@code nl_groups = OR of 1 << (group - 1)}. A daemon thread delivers every
     * notification, decoded, to {@code consumer} in arrival order until the subscription is closed.
     * A message that does not decode is delivered as {@link XfrmNotification.Other}.
     */
    public Subscription subscribe(List<Integer> groups, Consumer<XfrmNotification> consumer) throws XfrmException {
        Objects.requireNonNull(consumer, "consumer");
        int mask = 0;
        for (int g : groups) {
            if (g < 1 || g > 32) throw new IllegalArgumentException("netlink group 1..32: " + g);
            mask |= 1 << (g - 1);
        }
        int sfd = createIn(libc, namespace, mask);
        return new Subscription(libc, sfd, consumer);
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            synchronized (this) {
                libc.close(fd);
            }
        }
    }

    private void ensureOpen() throws XfrmException {
        if (closed.get()) throw new XfrmException("request on a closed socket", 9);
    }

    /** Splits a datagram into its netlink messages by {@code nlmsg_len} (aligned to 4); stops at a bad length. */
    static List<byte[]> split(byte[] datagram) {
        List<byte[]> out = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(datagram).order(ORDER);
        int at = 0;
        while (at + NetlinkMessage.HEADER_SIZE <= datagram.length) {
            int len = b.getInt(at);
            if (len < NetlinkMessage.HEADER_SIZE || at + len > datagram.length) break;
            byte[] m = new byte[len];
            System.arraycopy(datagram, at, m, 0, len);
            out.add(m);
            at += NetlinkMessage.align4(len);
        }
        return out;
    }

    /** A decoded multicast notification. */
    public sealed interface XfrmNotification {
        /** XFRM_MSG_MIGRATE as the kernel announces it on group 7. */
        record Migrated(XfrmMessages.Migrate migrate) implements XfrmNotification {}

        /** XFRM_MSG_ACQUIRE on group 1. */
        record Acquired(XfrmMessages.Acquire acquire) implements XfrmNotification {}

        /** Anything else (or a message that did not decode): its type and octets. */
        record Other(int type, byte[] message) implements XfrmNotification {}
    }

    /** A running multicast subscription; {@link #close()} stops its thread and closes its socket. */
    public static final class Subscription implements Closeable {
        private final LibcNetlink libc;
        private final int fd;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        private Subscription(LibcNetlink libc, int fd, Consumer<XfrmNotification> consumer) {
            this.libc = libc;
            this.fd = fd;
            this.thread = new Thread(() -> loop(consumer), "xfrm-netlink-notifications");
            thread.setDaemon(true);
            thread.start();
        }

        private void loop(Consumer<XfrmNotification> consumer) {
            Pointer buf = libc.allocate(BUFFER);
            try {
                while (running.get()) {
                    if (!libc.awaitReadable(fd, 100)) continue;
                    byte[] d = libc.receive(fd, buf, BUFFER);
                    if (d == null) continue;
                    for (byte[] m : split(d)) consumer.accept(decode(m));
                }
            } catch (XfrmException e) {
                // the socket was closed under us (EBADF) or failed: the subscription ends
            } finally {
                libc.close(fd);
            }
        }

        private static XfrmNotification decode(byte[] m) {
            int type = ByteBuffer.wrap(m).order(ORDER).getShort(4) & 0xffff;
            try {
                if (type == XfrmMessageTypes.XFRM_MSG_MIGRATE) {
                    return new XfrmNotification.Migrated(XfrmMessages.decodeMigrate(m, ORDER));
                }
                if (type == XfrmMessageTypes.XFRM_MSG_ACQUIRE) {
                    return new XfrmNotification.Acquired(XfrmMessages.decodeAcquire(m, ORDER));
                }
            } catch (NetlinkFormatException e) {
                // delivered raw below
            }
            return new XfrmNotification.Other(type, m);
        }

        /** Stops delivery (within about 100 ms) and closes the socket. */
        @Override
        public void close() {
            running.set(false);
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
