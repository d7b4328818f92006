package org.mip6kit.benchmarks.dtls;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.mip6kit.spi.Observed;
import org.mip6kit.spi.SignallingTransport;
import org.mip6kit.spi.SecurityProviderException;
import org.mip6kit.spi.net.Datagram;
import org.mip6kit.spi.net.ProviderNetwork;
import org.mip6kit.spi.net.StreamConnection;
import org.mip6kit.spi.net.StreamListener;
import org.mip6kit.spi.net.UdpEndpoint;

/**
 * An in-process UDP-only {@link ProviderNetwork} for holding 10⁵ DTLS clients in one JVM without
 * 10⁵ sockets (this machine allows 20,000 open files per process). A bind to port 0 gets a new
 * address: 127.0.x.y, port 10000 + k % 50000. The first endpoint bound (the server) is delivered
 * on a thread of its own, all the others on a second one, in order. An endpoint can be
 * {@linkplain #mute muted}: what it sends is dropped (so a client can be closed without its
 * close_notify reaching the server). Not a network simulator: no loss, no reordering.
 */
final class HubNetwork implements ProviderNetwork, AutoCloseable {

    private final ConcurrentHashMap<InetSocketAddress, Endpoint> bound = new ConcurrentHashMap<>();
    private final ExecutorService serverLane = Executors.newSingleThreadExecutor(r -> daemon(r, "hub-server-lane"));
    private final ExecutorService clientLane = Executors.newSingleThreadExecutor(r -> daemon(r, "hub-client-lane"));
    private final AtomicInteger next = new AtomicInteger();
    private volatile Endpoint first;

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Drops, from now on, whatever the endpoint bound at {@code local} sends. */
    void mute(InetSocketAddress local) {
        Endpoint e = bound.get(local);
        if (e != null) {
            e.muted = true;
        }
    }

    @Override
    public synchronized UdpEndpoint bindUdp(InetSocketAddress local) {
        InetSocketAddress address = local;
        if (local.getPort() == 0) {
            int k = next.getAndIncrement();
            int host = 2 + k / 50000;
            try {
                address = new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, (byte) (host >>> 8),
                        (byte) host}), 10000 + k % 50000);
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
        Endpoint e = new Endpoint(address, first == null ? serverLane : clientLane);
        if (bound.putIfAbsent(address, e) != null) {
            throw new SecurityProviderException("address in use: " + address);
        }
        if (first == null) {
            first = e;
        }
        return e;
    }

    private final class Endpoint implements UdpEndpoint {
        private final InetSocketAddress address;
        private final ExecutorService lane;
        private volatile Consumer<Datagram> receiver;
        volatile boolean muted;

        Endpoint(InetSocketAddress address, ExecutorService lane) {
            this.address = address;
            this.lane = lane;
        }

        @Override
        public InetSocketAddress localAddress() {
            return address;
        }

        @Override
        public void start(Consumer<Datagram> r) {
            receiver = r;
        }

        @Override
        public CompletionStage<Void> send(byte[] payload, InetSocketAddress to) {
            Endpoint target = bound.get(to);
            if (!muted && target != null) {
                Datagram d = new Datagram(payload, address, Observed.NOTHING);
                target.lane.execute(() -> {
                    Consumer<Datagram> r = target.receiver;
                    if (r != null && bound.get(to) == target) {
                        r.accept(d);
                    }
                });
            }
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void close() {
            bound.remove(address, this);
        }
    }

    @Override
    public SignallingTransport openMobilityHeaderSocket(Optional<String> interfaceName) {
        throw new UnsupportedOperationException("UDP only");
    }

    @Override
    public CompletionStage<StreamConnection> connectTcp(InetSocketAddress remote) {
        throw new UnsupportedOperationException("UDP only");
    }

    @Override
    public StreamListener listenTcp(InetSocketAddress local, Consumer<StreamConnection> accepted) {
        throw new UnsupportedOperationException("UDP only");
    }

    @Override
    public void close() {
        serverLane.shutdownNow();
        clientLane.shutdownNow();
    }
}
