package org.mip6kit.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
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
 */
final class SocketStreamConnection implements StreamConnection {

    private static final Logger LOG = LoggerFactory.getLogger(SocketStreamConnection.class);

    private final Socket socket;
    private final InputStream input;
    private final OutputStream output;
    private final InetSocketAddress remote;
    private final InetSocketAddress local;
    private final Consumer<AutoCloseable> whenClosed;
    private final AtomicBoolean closed = new AtomicBoolean();

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
