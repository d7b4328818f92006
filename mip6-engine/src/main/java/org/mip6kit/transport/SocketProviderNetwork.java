package org.mip6kit.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.mip6kit.spi.SecurityProviderException;
import org.mip6kit.spi.SignallingTransport;
import org.mip6kit.spi.net.ProviderNetwork;
import org.mip6kit.spi.net.StreamConnection;
import org.mip6kit.spi.net.StreamListener;
import org.mip6kit.spi.net.UdpEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ProviderNetwork} of the daemons: the operating system's sockets.
 *
 * <ul>
 * <li><b>UDP</b> ({@link #bindUdp}): a blocking {@link java.nio.channels.DatagramChannel} with
 *     one daemon receive thread per endpoint. Peers come as observed, an IPv4 peer of a
 *     dual-stack socket as its {@link java.net.Inet4Address}. Each datagram's
 *     {@link org.mip6kit.spi.Observed} holds the bound address and port, and the interface that
 *     owns the bound address; for a wildcard bind the interface is empty and the address is the
 *     wildcard, because the JDK gives no {@code IP_PKTINFO} (bind the specific address when the
 *     provider needs to know). Sends complete once the datagram is handed to the operating
 *     system.</li>
 * <li><b>TCP</b> ({@link #connectTcp}, {@link #listenTcp}): blocking {@link java.net.Socket}s.
 *     A connect runs on the executor given to the constructor (by default a cached pool of
 *     daemon threads owned by this network) and gives up after the connect timeout; a listener
 *     accepts on a daemon thread of its own. Event-driven reading
 *     ({@link StreamConnection#startReading}) runs on one daemon thread per connection, named
 *     {@code mip6-tcp-reader <local> -> <remote>}. Closing a connection wakes a read blocked on
 *     it, and ends event-driven reading once.</li>
 * <li><b>The raw Mobility Header socket</b> ({@link #openMobilityHeaderSocket}): a raw IPv6
 *     socket for protocol 135 through native calls (jnr-ffi), loaded the first time one is
 *     opened and never before; 64-bit Linux only, needs CAP_NET_RAW. Receives each message with
 *     its ingress interface and destination address ({@code IPV6_RECVPKTINFO}); sends plain IPv6
 *     with the source chosen per packet ({@code IPV6_PKTINFO}), never a Home Address option or a
 *     routing header.</li>
 * </ul>
 *
 * <p>Every failure to open is a {@link SecurityProviderException} naming the address (or
 * interface). Building a network opens nothing and loads no native code.
 *
 * <p><b>Lifecycle.</b> Whoever builds the network (the daemon, an embedder) closes it after the
 * engine that uses it: {@link #close} closes every endpoint, listener, connection and raw socket
 * still open through it, aborts connects in progress and stops its own connect pool; opening
 * anything afterwards fails. Thread-safe.
 */
public final class SocketProviderNetwork implements ProviderNetwork, AutoCloseable {

    /** How long {@link #connectTcp} waits for a connection unless told otherwise. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private static final Logger LOG = LoggerFactory.getLogger(SocketProviderNetwork.class);

    private final Executor connectExecutor;
    private final ExecutorService ownedPool;
    private final int connectTimeoutMillis;
    private final Set<AutoCloseable> open = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();

    /** A network that connects on a cached pool of daemon threads of its own, with the default timeout. */
    public SocketProviderNetwork() {
        AtomicInteger threads = new AtomicInteger();
        this.ownedPool = Executors.newCachedThreadPool(task -> {
            Thread t = new Thread(task, "mip6-provider-tcp-connect-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.connectExecutor = ownedPool;
        this.connectTimeoutMillis = (int) DEFAULT_CONNECT_TIMEOUT.toMillis();
    }

    /**
     * A network that connects on {@code connectExecutor} (which must run blocking work; this
     * network never shuts it down).
     *
     * @param connectTimeout how long a connect may take, 1 ms .. 1 hour
     * @throws IllegalArgumentException if the timeout is outside that range
     */
    public SocketProviderNetwork(Executor connectExecutor, Duration connectTimeout) {
        this.connectExecutor = Objects.requireNonNull(connectExecutor, "connectExecutor");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        if (connectTimeout.toMillis() < 1 || connectTimeout.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("connect timeout " + connectTimeout + " outside 1 ms .. 1 hour");
        }
        this.ownedPool = null;
        this.connectTimeoutMillis = (int) connectTimeout.toMillis();
    }

    /**
     * {@inheritDoc}
     *
     * <p>Observed on each datagram: the bound address and port; the interface owning the bound
     * address, or none for a wildcard bind (no {@code IP_PKTINFO} in the JDK).
     */
    @Override
    public UdpEndpoint bindUdp(InetSocketAddress local) {
        checkOpen("bind a UDP endpoint on " + local);
        return track(SocketUdpEndpoint.bind(local, open::remove));
    }

    /**
     * {@inheritDoc}
     *
     * <p>Sends fail with a {@link SecurityProviderException} when the addressing asks for a Home
     * Address option, a type 2 routing header or UDP encapsulation: the socket sends plain IPv6.
     * Loads the native calls on the first open.
     */
    @Override
    public SignallingTransport openMobilityHeaderSocket(Optional<String> interfaceName) {
        checkOpen("open the raw Mobility Header socket");
        try {
            return track(RawMobilityHeaderSocket.open(interfaceName, open::remove));
        } catch (LinkageError e) {
            throw new SecurityProviderException("cannot open the raw Mobility Header socket: its native binding "
                    + "(jnr-ffi) is missing from the class path: " + e, e);
        }
    }

    /** {@inheritDoc} Gives up after the connect timeout. */
    @Override
    public CompletionStage<StreamConnection> connectTcp(InetSocketAddress remote) {
        Objects.requireNonNull(remote, "remote");
        CompletableFuture<StreamConnection> connected = new CompletableFuture<>();
        if (closed.get()) {
            connected.completeExceptionally(closedFailure("connect to " + remote));
        } else if (remote.isUnresolved()) {
            connected.completeExceptionally(new SecurityProviderException("cannot connect to " + remote
                    + ": the address is unresolved; give an address literal"));
        } else {
            try {
                connectExecutor.execute(() -> connect(remote, connected));
            } catch (RejectedExecutionException e) {
                connected.completeExceptionally(new SecurityProviderException("cannot connect to " + remote
                        + ": the connect executor refused the task (is it shut down?)", e));
            }
        }
        return connected;
    }

    @Override
    public StreamListener listenTcp(InetSocketAddress local, Consumer<StreamConnection> accepted) {
        checkOpen("listen for TCP on " + local);
        return track(SocketStreamListener.listen(local, this::acceptedConnection, accepted, open::remove));
    }

    /**
     * Closes everything still open through this network, aborts connects in progress and stops
     * the network's own connect pool. Idempotent; never throws.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (AutoCloseable c : List.copyOf(open)) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.debug("closing {} failed", c, e);
            }
        }
        if (ownedPool != null) {
            ownedPool.shutdownNow();
        }
    }

    @Override
    public String toString() {
        return "SocketProviderNetwork[" + open.size() + " open" + (closed.get() ? ", closed" : "") + "]";
    }

    private void connect(InetSocketAddress remote, CompletableFuture<StreamConnection> connected) {
        Socket socket = new Socket();
        open.add(socket);
        try {
            if (closed.get()) {
                throw closedFailure("connect to " + remote);
            }
            socket.connect(remote, connectTimeoutMillis);
            connected.complete(track(new SocketStreamConnection(socket, open::remove)));
        } catch (IOException | RuntimeException e) {
            closeQuietly(socket);
            connected.completeExceptionally(e instanceof SecurityProviderException s ? s
                    : closed.get() ? closedFailure("connect to " + remote)
                    : new SecurityProviderException("cannot connect to " + remote + ": " + e
                            + " (refused: nothing listens there; timed out after " + connectTimeoutMillis
                            + " ms: no route or a firewall)", e));
        } finally {
            open.remove(socket);
        }
    }

    private StreamConnection acceptedConnection(Socket socket) {
        try {
            return track(new SocketStreamConnection(socket, open::remove));
        } catch (IOException | RuntimeException e) {
            LOG.warn("dropped an accepted connection from {}: {}", socket.getRemoteSocketAddress(), e.toString());
            closeQuietly(socket);
            return null;
        }
    }

    /** Registers {@code resource} so that {@link #close} closes it; closes it if the network closed meanwhile. */
    private <T extends AutoCloseable> T track(T resource) {
        open.add(resource);
        if (closed.get()) {
            closeQuietly(resource);
            throw closedFailure("open " + resource);
        }
        return resource;
    }

    private void checkOpen(String what) {
        if (closed.get()) {
            throw closedFailure(what);
        }
    }

    private SecurityProviderException closedFailure(String what) {
        return new SecurityProviderException("cannot " + what + ": " + this + " is closed (the daemon is shutting down)");
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            LOG.debug("closing {} failed", c, e);
        }
    }
}
