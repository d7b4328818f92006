package org.mip6kit.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;

import org.mip6kit.spi.SecurityProviderException;
import org.mip6kit.spi.net.StreamConnection;
import org.mip6kit.spi.net.StreamListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A listening TCP socket of {@link SocketProviderNetwork}. A daemon thread, named after the
 * address, accepts connections and hands each to the consumer; a consumer that throws has its
 * connection closed. {@link #close} closes the server socket, which wakes the accept.
 */
final class SocketStreamListener implements StreamListener {

    private static final int BACKLOG = 50;
    private static final long CLOSE_WAIT_MILLIS = 2000;
    private static final Logger LOG = LoggerFactory.getLogger(SocketStreamListener.class);

    private final ServerSocket server;
    private final InetSocketAddress localAddress;
    private final Function<Socket, StreamConnection> wrap;
    private final Consumer<StreamConnection> accepted;
    private final Consumer<AutoCloseable> whenClosed;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread acceptThread;

    private SocketStreamListener(ServerSocket server, Function<Socket, StreamConnection> wrap,
                                 Consumer<StreamConnection> accepted, Consumer<AutoCloseable> whenClosed) {
        this.server = server;
        this.localAddress = OuterEndpoint.normalised((InetSocketAddress) server.getLocalSocketAddress());
        this.wrap = wrap;
        this.accepted = accepted;
        this.whenClosed = whenClosed;
        this.acceptThread = new Thread(this::acceptLoop, "mip6-provider-tcp-" + localAddress);
        acceptThread.setDaemon(true);
    }

    /**
     * Binds {@code local} and starts accepting.
     *
     * @param wrap turns an accepted socket into a connection (or null if it could not)
     * @throws SecurityProviderException if the address cannot be bound; the message names it
     */
    static SocketStreamListener listen(InetSocketAddress local, Function<Socket, StreamConnection> wrap,
                                       Consumer<StreamConnection> accepted, Consumer<AutoCloseable> whenClosed) {
        Objects.requireNonNull(local, "local");
        Objects.requireNonNull(accepted, "accepted");
        if (local.isUnresolved()) {
            throw new SecurityProviderException("cannot listen for TCP on " + local
                    + ": the address is unresolved; give an address literal");
        }
        ServerSocket server = null;
        try {
            server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(local, BACKLOG);
            SocketStreamListener listener = new SocketStreamListener(server, wrap, accepted, whenClosed);
            listener.acceptThread.start();
            return listener;
        } catch (IOException | RuntimeException e) {
            if (server != null) {
                try {
                    server.close();
                } catch (IOException ignored) {
                    // the bind failure is what matters
                }
            }
            throw new SecurityProviderException("cannot listen for TCP on " + OuterEndpoint.text(local) + ": "
                    + OuterEndpoint.bindFailure(local, e), e);
        }
    }

    @Override
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            server.close();
        } catch (IOException e) {
            LOG.debug("closing {} failed", this, e);
        }
        if (acceptThread != Thread.currentThread()) {
            try {
                acceptThread.join(CLOSE_WAIT_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        whenClosed.accept(this);
    }

    @Override
    public String toString() {
        return "StreamListener[" + localAddress + (closed.get() ? ", closed" : "") + "]";
    }

    private void acceptLoop() {
        while (!closed.get()) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (closed.get() || server.isClosed()) {
                    return;
                }
                // Out of descriptors, for instance: the next connection may be accepted.
                LOG.warn("{}: accept failed: {}", this, e.toString());
                continue;
            }
            StreamConnection connection = wrap.apply(socket);
            if (connection == null) {
                continue;
            }
            try {
                accepted.accept(connection);
            } catch (RuntimeException e) {
                LOG.error("{}: the consumer failed on {}; connection closed", this, connection, e);
                connection.close();
            }
        }
    }
}
