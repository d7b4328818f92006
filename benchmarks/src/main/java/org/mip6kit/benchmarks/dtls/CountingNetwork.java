package org.mip6kit.benchmarks.dtls;

import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.mip6kit.spi.net.Datagram;
import org.mip6kit.spi.net.ProviderNetwork;
import org.mip6kit.spi.SignallingTransport;
import org.mip6kit.spi.net.StreamConnection;
import org.mip6kit.spi.net.StreamListener;
import org.mip6kit.spi.net.UdpEndpoint;

/**
 * A {@link ProviderNetwork} that counts the UDP datagrams and payload octets its endpoints send
 * and receive (UDP payload only: no IP or UDP header), then hands everything to the network it
 * wraps. One instance per side, so the counts are per side. Thread-safe.
 */
final class CountingNetwork implements ProviderNetwork {

    /** A snapshot of the counters. */
    record Counts(long sentDatagrams, long sentOctets, long receivedDatagrams, long receivedOctets) {
        Counts minus(Counts o) {
            return new Counts(sentDatagrams - o.sentDatagrams, sentOctets - o.sentOctets,
                    receivedDatagrams - o.receivedDatagrams, receivedOctets - o.receivedOctets);
        }
    }

    private final ProviderNetwork inner;
    private final AtomicLong sentDatagrams = new AtomicLong();
    private final AtomicLong sentOctets = new AtomicLong();
    private final AtomicLong receivedDatagrams = new AtomicLong();
    private final AtomicLong receivedOctets = new AtomicLong();
    private volatile Consumer<String> trace;

    CountingNetwork(ProviderNetwork inner) {
        this.inner = inner;
    }

    Counts counts() {
        return new Counts(sentDatagrams.get(), sentOctets.get(), receivedDatagrams.get(), receivedOctets.get());
    }

    /** Records each datagram's direction and size while set (null to stop). */
    void trace(Consumer<String> t) {
        this.trace = t;
    }

    @Override
    public UdpEndpoint bindUdp(InetSocketAddress local) {
        UdpEndpoint e = inner.bindUdp(local);
        return new UdpEndpoint() {
            @Override
            public InetSocketAddress localAddress() {
                return e.localAddress();
            }

            @Override
            public void start(Consumer<Datagram> receiver) {
                e.start(d -> {
                    receivedDatagrams.incrementAndGet();
                    receivedOctets.addAndGet(d.length());
                    Consumer<String> t = trace;
                    if (t != null) {
                        t.accept("in " + d.length());
                    }
                    receiver.accept(d);
                });
            }

            @Override
            public CompletionStage<Void> send(byte[] payload, InetSocketAddress to) {
                sentDatagrams.incrementAndGet();
                sentOctets.addAndGet(payload.length);
                Consumer<String> t = trace;
                if (t != null) {
                    t.accept("out " + payload.length);
                }
                return e.send(payload, to);
            }

            @Override
            public void close() {
                e.close();
            }
        };
    }

    @Override
    public SignallingTransport openMobilityHeaderSocket(Optional<String> interfaceName) {
        return inner.openMobilityHeaderSocket(interfaceName);
    }

    @Override
    public CompletionStage<StreamConnection> connectTcp(InetSocketAddress remote) {
        return inner.connectTcp(remote);
    }

    @Override
    public StreamListener listenTcp(InetSocketAddress local, Consumer<StreamConnection> accepted) {
        return inner.listenTcp(local, accepted);
    }
}
