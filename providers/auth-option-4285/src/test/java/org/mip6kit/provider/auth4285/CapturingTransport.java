package org.mip6kit.provider.auth4285;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.Inbound;
import org.mip6kit.spi.Observed;
import org.mip6kit.spi.SignallingTransport;

/** A transport that keeps what is sent and lets a test deliver what is received. */
final class CapturingTransport implements SignallingTransport {

    /** One message handed to the transport. */
    record Sent(byte[] octets, Addressing addressing) {
        Inbound asReceived() {
            return new Inbound(octets, addressing, Observed.NOTHING);
        }
    }

    final List<Sent> sent = Collections.synchronizedList(new ArrayList<>());
    final List<Inbound> delivered = Collections.synchronizedList(new ArrayList<>());
    private volatile Consumer<Inbound> receiver;

    @Override
    public void start(Consumer<Inbound> receiver) {
        this.receiver = receiver;
    }

    @Override
    public CompletionStage<Void> send(byte[] octets, Addressing to) {
        sent.add(new Sent(octets.clone(), to));
        return CompletableFuture.completedFuture(null);
    }

    /** Hands {@code in} to the path's receiver, as a received packet. */
    void receive(Inbound in) {
        receiver.accept(in);
    }

    Sent last() {
        synchronized (sent) {
            if (sent.isEmpty()) {
                throw new AssertionError("nothing was sent");
            }
            return sent.get(sent.size() - 1);
        }
    }

    @Override
    public void close() {
    }
}
