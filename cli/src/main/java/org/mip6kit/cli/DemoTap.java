package org.mip6kit.cli;

import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.Inbound;
import org.mip6kit.spi.SignallingTransport;
import org.mip6kit.wire.MobilityHeaderCodec;
import org.mip6kit.wire.MobilityHeaderFormatException;

/**
 * A {@link SignallingTransport} decorator that shows each message its side sends, exactly as it
 * leaves (after the provider protected it), on the {@link DemoConsole}. The line is printed
 * before the datagram is handed on, so the console reads in causal order: a Binding Update's line
 * always comes before anything the home agent does with it. Received messages pass through
 * untouched; the other side's tap has already shown them.
 */
final class DemoTap implements SignallingTransport {

    private final DemoConsole.Side side;
    private final SignallingTransport inner;
    private final InetSocketAddress local;
    private final MobilityHeaderCodec codec;
    private final DemoConsole console;

    /**
     * @param local the address and port {@code inner} sends from, for the line
     * @param codec decodes the provider's options too
     */
    DemoTap(DemoConsole.Side side, SignallingTransport inner, InetSocketAddress local, MobilityHeaderCodec codec,
            DemoConsole console) {
        this.side = Objects.requireNonNull(side, "side");
        this.inner = Objects.requireNonNull(inner, "inner");
        this.local = Objects.requireNonNull(local, "local");
        this.codec = Objects.requireNonNull(codec, "codec");
        this.console = Objects.requireNonNull(console, "console");
    }

    @Override
    public void start(Consumer<Inbound> receiver) {
        inner.start(receiver);
    }

    @Override
    public CompletionStage<Void> send(byte[] octets, Addressing to) {
        try {
            console.sent(side, codec.decodeTrustingChecksum(octets), local, to);
        } catch (MobilityHeaderFormatException e) {
            console.undecodable(side, e.getMessage());
        }
        return inner.send(octets, to);
    }

    @Override
    public void close() {
        inner.close();
    }

    @Override
    public String toString() {
        return "DemoTap[" + side + ", " + inner + "]";
    }
}
