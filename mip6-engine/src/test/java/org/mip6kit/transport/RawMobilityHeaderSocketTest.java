package org.mip6kit.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.Inbound;
import org.mip6kit.spi.Observed;
import org.mip6kit.spi.SecurityProviderException;
import org.mip6kit.spi.SignallingTransport;
import org.mip6kit.testing.HostRequirements;
import org.mip6kit.wire.BindingRefreshRequest;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.MobilityHeaderCodec;

/**
 * The raw Mobility Header socket of {@link SocketProviderNetwork} on the loopback interface.
 * Needs CAP_NET_RAW: without it each test says so loudly and is skipped, or fails under
 * {@code CI=true}.
 */
@Tag("medium")
class RawMobilityHeaderSocketTest {

    static final Ipv6Address LOOPBACK = Ipv6Address.parse("::1");
    static final MobilityHeaderCodec CODEC = MobilityHeaderCodec.standard();
    static final int TIMEOUT_SECONDS = 5;

    final SocketProviderNetwork network = new SocketProviderNetwork();

    @BeforeEach
    void requireRawSockets() {
        try {
            network.openMobilityHeaderSocket(Optional.empty()).close();
        } catch (SecurityProviderException e) {
            if (!e.getMessage().contains("CAP_NET_RAW")) {
                throw e;
            }
            String message = "HOST REQUIREMENT MISSING: a raw IPv6 socket for the Mobility Header needs "
                    + "CAP_NET_RAW. Run the tests as root (.ci/run does)";
            System.err.println();
            System.err.println("!!! " + message);
            System.err.println();
            if (HostRequirements.inCi()) {
                Assertions.fail(message + " — under CI=true a missing requirement is a failure, not a skip");
            }
            Assumptions.abort(message);
        }
    }

    @AfterEach
    void close() {
        network.close();
    }

    /** A Binding Refresh Request from ::1 to ::1 with its checksum: 3b 00 | 00 00 | cksum | reserved. */
    static byte[] bindingRefreshRequest() {
        return CODEC.encode(BindingRefreshRequest.create(), LOOPBACK, LOOPBACK);
    }

    /** The next message whose octets equal {@code expected} (a raw socket sees every Mobility Header packet). */
    static Inbound awaitMessage(BlockingQueue<Inbound> queue, byte[] expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (System.nanoTime() < deadline) {
            Inbound in = queue.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (in != null && Arrays.equals(in.octets(), expected)) {
                return in;
            }
        }
        throw new AssertionError("the Mobility Header message did not arrive within " + TIMEOUT_SECONDS + " s");
    }

    static boolean threadAlive(String name) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name) && t.isAlive());
    }

    @Test
    void bindingRefreshRequestOverLoopbackArrivesWithIngressInterfaceAndDestination() throws Exception {
        SignallingTransport receiver = network.openMobilityHeaderSocket(Optional.of("lo"));
        SignallingTransport sender = network.openMobilityHeaderSocket(Optional.empty());
        BlockingQueue<Inbound> received = new LinkedBlockingQueue<>();
        receiver.start(received::add);
        byte[] brr = bindingRefreshRequest();

        sender.send(brr, Addressing.of(LOOPBACK, LOOPBACK)).toCompletableFuture().join();

        Inbound in = awaitMessage(received, brr);
        assertThat(in.addressing()).isEqualTo(Addressing.of(LOOPBACK, LOOPBACK));
        assertThat(in.observed()).isEqualTo(new Observed(Optional.of("lo"),
                Optional.of(new InetSocketAddress(InetAddress.getByName("::1"), 0))));
        assertThat(CODEC.decode(in.octets(), LOOPBACK, LOOPBACK)).isEqualTo(BindingRefreshRequest.create());
    }

    @Test
    void kernelFillsInTheChecksumAtOffsetFour() throws Exception {
        SignallingTransport socket = network.openMobilityHeaderSocket(Optional.of("lo"));
        BlockingQueue<Inbound> received = new LinkedBlockingQueue<>();
        socket.start(received::add);
        byte[] brr = bindingRefreshRequest();
        byte[] withoutChecksum = brr.clone();
        withoutChecksum[MobilityHeaderCodec.CHECKSUM_OFFSET] = 0;
        withoutChecksum[MobilityHeaderCodec.CHECKSUM_OFFSET + 1] = 0;

        socket.send(withoutChecksum, Addressing.of(Ipv6Address.UNSPECIFIED, LOOPBACK)).toCompletableFuture().join();

        Inbound in = awaitMessage(received, brr);
        assertThat(MobilityHeaderCodec.checksumValid(in.octets(), LOOPBACK, LOOPBACK)).isTrue();
        assertThat(in.addressing().source()).isEqualTo(LOOPBACK);
    }

    @Test
    void addressingWithAHomeAddressOptionFailsTheSend() {
        SignallingTransport socket = network.openMobilityHeaderSocket(Optional.empty());
        Addressing withHao = new Addressing(LOOPBACK, LOOPBACK, Optional.of(Ipv6Address.parse("2001:db8::100")),
                Optional.empty(), Optional.empty());

        assertThatThrownBy(() -> socket.send(bindingRefreshRequest(), withHao).toCompletableFuture().join())
                .isInstanceOf(CompletionException.class).hasCauseInstanceOf(SecurityProviderException.class)
                .hasMessageContaining("plain IPv6 only");
    }

    @Test
    void sourceThatIsNotALocalAddressFailsTheSend() {
        SignallingTransport socket = network.openMobilityHeaderSocket(Optional.empty());
        Addressing foreign = Addressing.of(Ipv6Address.parse("2001:db8::dead"), LOOPBACK);

        assertThatThrownBy(() -> socket.send(bindingRefreshRequest(), foreign).toCompletableFuture().join())
                .hasCauseInstanceOf(SecurityProviderException.class).hasMessageContaining("2001:db8::dead");
    }

    @Test
    void sendAfterCloseFails() {
        SignallingTransport socket = network.openMobilityHeaderSocket(Optional.empty());
        socket.close();

        assertThatThrownBy(() -> socket.send(bindingRefreshRequest(), Addressing.of(LOOPBACK, LOOPBACK))
                .toCompletableFuture().join())
                .hasCauseInstanceOf(SecurityProviderException.class).hasMessageContaining("closed");
    }

    @Test
    void closeStopsTheReceiveThread() {
        SignallingTransport socket = network.openMobilityHeaderSocket(Optional.of("lo"));
        socket.start(in -> { });
        assertThat(threadAlive("mip6-mh-raw-lo")).isTrue();

        socket.close();
        socket.close();

        assertThat(threadAlive("mip6-mh-raw-lo")).isFalse();
    }

    @Test
    void unknownInterfaceFailsNamingIt() {
        assertThatThrownBy(() -> network.openMobilityHeaderSocket(Optional.of("nosuch0")))
                .isInstanceOf(SecurityProviderException.class).hasMessageContaining("nosuch0");
    }
}
