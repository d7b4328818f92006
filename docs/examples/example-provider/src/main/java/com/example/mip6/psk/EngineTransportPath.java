package com.example.mip6.psk;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.Inbound;
import org.mip6kit.spi.SecurityProviderException;
import org.mip6kit.spi.SignallingPath;
import org.mip6kit.spi.SignallingTransport;
import org.mip6kit.spi.TransportFactory;

/**
 * The part of an {@link org.mip6kit.spi.Placement#IN_MESSAGE} path that is the same on both
 * sides: it opens the engine's transport in {@link #start}, hands every received message to
 * the engine unchanged (the engine decodes it and calls {@link #verify}), and sends the octets
 * the subclass protected. Thread-safe.
 */
abstract class EngineTransportPath implements SignallingPath {

    private final TransportFactory transports;
    private volatile SignallingTransport transport;
    private volatile boolean closed;

    EngineTransportPath(TransportFactory transports) {
        this.transports = Objects.requireNonNull(transports, "transports");
    }

    @Override
    public synchronized void start(Consumer<Inbound> receiver) {
        if (transport != null || closed) {
            throw new IllegalStateException("a signalling path is started once");
        }
        SignallingTransport t = transports.open();
        t.start(receiver);
        transport = t;
    }

    /** Sends protected octets; fails the stage (never throws) when the path is not running. */
    final CompletionStage<Void> sendOctets(byte[] octets, Addressing to) {
        SignallingTransport t = transport;
        if (closed || t == null) {
            return CompletableFuture.failedFuture(new SecurityProviderException(
                    "example-psk: the signalling path is " + (closed ? "closed" : "not started")));
        }
        return t.send(octets, to);
    }

    final boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        SignallingTransport t;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            t = transport;
        }
        if (t != null) {
            t.close();
        }
    }
}
