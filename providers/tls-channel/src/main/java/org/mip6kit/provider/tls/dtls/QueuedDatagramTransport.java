package org.mip6kit.provider.tls.dtls;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.DatagramTransport;

/**
 * One DTLS association's view of a shared UDP endpoint, as Bouncy Castle's {@link DatagramTransport}:
 * datagrams the demultiplexer {@link #offer offers} wait in a bounded queue (a full queue drops);
 * sends go to a sender the owner supplies (the shared endpoint, towards the association's
 * current peer).
 *
 * <p>Two receive modes. While the handshake runs, a handshake thread blocks in {@link #receive}
 * for at most the wait Bouncy Castle asks (its retransmission timer). Once the association is
 * established the transport is switched to {@linkplain #drainOnly() drain-only}: then
 * {@link #receive} never blocks — an empty queue throws {@link QueueEmpty}, an
 * {@link InterruptedIOException} that Bouncy Castle's record layer passes through without failing
 * the association (a {@code SocketTimeoutException} would instead make its receive loop spin, since
 * a wait of 0 means "forever" to {@link DTLSTransport#receive}). {@link #drain} then decrypts
 * whatever is queued on the caller's thread, so an established association costs no thread.
 *
 * <p>Threading: offers from any thread; receives from one thread at a time (the owner serialises
 * them); {@link #source} is read on the receiving thread, inside Bouncy Castle's record callback.
 */
final class QueuedDatagramTransport implements DatagramTransport {

    /** Largest datagram handed to Bouncy Castle; longer ones are cut and then fail the record check. */
    static final int RECEIVE_LIMIT = 4096;
    /**
     * Largest datagram sent: fits a 1280-octet IPv6 minimum MTU path after the IPv6 and UDP headers
     * (1280 - 40 - 8), so handshake flights are fragmented to it (RFC 6347 §4.1.1.1).
     */
    static final int SEND_LIMIT = 1232;

    /** Thrown by a drain-only receive on an empty queue; carries no stack trace. */
    static final class QueueEmpty extends InterruptedIOException {
        private static final long serialVersionUID = 1L;

        QueueEmpty() {
            super("no datagram queued");
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    private record Queued(byte[] payload, InetSocketAddress source) {
    }

    private final ArrayBlockingQueue<Queued> queue;
    private final Consumer<byte[]> sender;
    private volatile boolean drainOnly;
    private volatile boolean closed;
    private InetSocketAddress source;

    /**
     * @param capacity datagrams that may wait, 1..1024
     * @param sender sends one datagram (the array is the sender's to keep); must not block
     */
    QueuedDatagramTransport(int capacity, Consumer<byte[]> sender) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.sender = sender;
    }

    /** Queues a datagram; false if the queue is full or the transport closed (the datagram is dropped). */
    boolean offer(byte[] payload, InetSocketAddress from) {
        return !closed && queue.offer(new Queued(payload, from));
    }

    /** From now on {@link #receive} never blocks. */
    void drainOnly() {
        drainOnly = true;
    }

    /** The source address of the datagram Bouncy Castle is processing (receiving thread only). */
    InetSocketAddress source() {
        return source;
    }

    int queued() {
        return queue.size();
    }

    @Override
    public int getReceiveLimit() {
        return RECEIVE_LIMIT;
    }

    @Override
    public int getSendLimit() {
        return SEND_LIMIT;
    }

    @Override
    public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
        if (closed) {
            throw new IOException("the association was closed");
        }
        Queued next;
        if (drainOnly) {
            next = queue.poll();
            if (next == null) {
                throw new QueueEmpty();
            }
        } else {
            try {
                next = waitMillis <= 0 ? queue.take() : queue.poll(waitMillis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for a handshake datagram");
            }
            if (next == null) {
                return -1;
            }
            if (closed) {
                throw new IOException("the association was closed");
            }
        }
        source = next.source();
        int n = Math.min(len, next.payload().length);
        System.arraycopy(next.payload(), 0, buf, off, n);
        return n;
    }

    @Override
    public void send(byte[] buf, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("the association was closed");
        }
        if (len > SEND_LIMIT) {
            throw new IOException("a datagram of " + len + " octets exceeds the send limit " + SEND_LIMIT);
        }
        sender.accept(Arrays.copyOfRange(buf, off, off + len));
    }

    /** Wakes a handshake blocked in {@link #receive}; later receives and sends fail. */
    @Override
    public void close() {
        closed = true;
        queue.clear();
        queue.offer(new Queued(new byte[0], new InetSocketAddress(0)));
    }

    boolean isClosed() {
        return closed;
    }

    /**
     * Decrypts every queued datagram of an established association and hands each application
     * record's plaintext to {@code deliver}; Bouncy Castle calls {@code onAuthenticated} for each
     * record that passed its integrity and replay checks, before the plaintext is delivered.
     * Caller serialises calls per association. Returns normally when the queue is empty.
     *
     * @throws IOException if the association failed (fatal alert received or raised): close it
     */
    void drain(DTLSTransport dtls, org.bouncycastle.tls.DTLSRecordCallback onAuthenticated, Consumer<byte[]> deliver)
            throws IOException {
        byte[] buf = new byte[RECEIVE_LIMIT];
        while (true) {
            int n;
            try {
                n = dtls.receive(buf, 0, buf.length, 0, onAuthenticated);
            } catch (QueueEmpty e) {
                return;
            }
            if (n >= 0) {
                deliver.accept(Arrays.copyOf(buf, n));
            }
        }
    }
}
