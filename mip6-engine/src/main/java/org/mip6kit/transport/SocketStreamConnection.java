package org.mip6kit.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import org.mip6kit.spi.net.StreamConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP connection of {@link SocketProviderNetwork} on a connected {@link Socket}, with
 * {@code TCP_NODELAY} set (signalling and TLS records are small and latency-bound). Closing the
 * socket wakes a read blocked on {@link #input()}, which ends with a
 * {@link java.net.SocketException}.
 *
 * <p>{@link #startReading} reads on a daemon thread of its own, named
 * {@code mip6-tcp-reader <local> -> <remote>}; {@link #close()} wakes it, and {@code ended} runs
 * once, on that thread, at end of stream, on a read error or after the close. The reader never
 * closes the socket itself: at the peer's end of stream the owner may still write (a TLS
 * close_notify in reply) before it closes.
 */
final class SocketStreamConnection implements StreamConnection {

    private static final int READ_BUFFER = 16_384;
    private static final Logger LOG = LoggerFactory.getLogger(SocketStreamConnection.class);

    private final Socket socket;
    private final InputStream input;
    private final OutputStream output;
    private final InetSocketAddress remote;
    private final InetSocketAddress local;
    private final Consumer<AutoCloseable> whenClosed;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean reading = new AtomicBoolean();

    /** Takes over {@code socket}, which must be connected; closes it if its streams cannot be had. */
    SocketStreamConnection(Socket socket, Consumer<AutoCloseable> whenClosed) throws IOException {
        this.socket = socket;
        this.whenClosed = whenClosed;
        try {
            socket.setTcpNoDelay(true);
            this.input = socket.getInputStream();
            this.output = socket.getOutputStream();
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        this.remote = OuterEndpoint.normalised((InetSocketAddress) socket.getRemoteSocketAddress());
        this.local = OuterEndpoint.normalised((InetSocketAddress) socket.getLocalSocketAddress());
    }

    @Override
    public InputStream input() {
        return input;
    }

    @Override
    public OutputStream output() {
        return output;
    }

    @Override
    public InetSocketAddress remote() {
        return remote;
    }

    @Override
    public InetSocketAddress local() {
        return local;
    }

    /** @throws IllegalStateException if reading was already started */
    @Override
    public void startReading(Consumer<byte[]> received, Runnable ended) {
        Objects.requireNonNull(received, "received");
        Objects.requireNonNull(ended, "ended");
        if (!reading.compareAndSet(false, true)) {
            throw new IllegalStateException(this + ": reading was already started");
        }
        Thread reader = new Thread(() -> read(received, ended), "mip6-tcp-reader " + local + " -> " + remote);
        reader.setDaemon(true);
        reader.start();
    }

    private void read(Consumer<byte[]> received, Runnable ended) {
        byte[] buffer = new byte[READ_BUFFER];
        try {
            int n;
            while (!closed.get() && (n = input.read(buffer)) >= 0) {
                if (n > 0 && !closed.get()) {
                    deliver(received, Arrays.copyOf(buffer, n));
                }
            }
        } catch (IOException e) {
            LOG.debug("{}: reading ended: {}", this, e.toString());
        } finally {
            try {
                ended.run();
            } catch (RuntimeException e) {
                LOG.warn("{}: the end-of-stream callback failed", this, e);
            }
        }
    }

    private void deliver(Consumer<byte[]> received, byte[] chunk) {
        try {
            received.accept(chunk);
        } catch (RuntimeException e) {
            LOG.warn("{}: the stream consumer failed on {} octets", this, chunk.length, e);
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            socket.close();
        } catch (IOException e) {
            LOG.debug("closing {} failed", this, e);
        }
        whenClosed.accept(this);
    }

    @Override
    public String toString() {
        return "StreamConnection[" + local + " -> " + remote + (closed.get() ? ", closed" : "") + "]";
    }
}
