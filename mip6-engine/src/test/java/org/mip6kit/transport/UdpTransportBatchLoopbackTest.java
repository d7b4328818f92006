package org.mip6kit.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.SecurityProviderException;
import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.BindingAcknowledgement;
import org.mip6kit.wire.BindingUpdate;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;
import org.mip6kit.wire.MobilityHeaderCodec;
import org.mip6kit.wire.SequenceNumber;
import org.mip6kit.wire.packet.MobilityPacket;
import org.mip6kit.wire.packet.MobilityPacketParser;

/**
 * {@link UdpTransport} on a real loopback socket, batched ({@code native-io: on}) and one datagram
 * per system call ({@code off}): many mobile nodes' Binding Updates, each answered, every
 * sender's answers in the order it sent; and a host where the batched path is unusable.
 */
@Tag("medium")
class UdpTransportBatchLoopbackTest {

    static final Ipv6Address HA = Ipv6Address.parse("2001:db8:1::1");
    static final MobilityHeaderCodec CODEC = MobilityHeaderCodec.standard();
    static final int SENDERS = 4;
    static final int WINDOW = 16;
    static final int ROUNDS = 25;
    static final int TIMEOUT_MILLIS = 10_000;

    final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    static Ipv6Address homeAddress(int sender) {
        return Ipv6Address.parse("2001:db8:1::" + Integer.toHexString(0x100 + sender));
    }

    static byte[] bindingUpdate(int sender, int sequence) {
        BindingUpdate bu = new BindingUpdate(SequenceNumber.of(sequence),
                EnumSet.of(BindingUpdate.Flag.ACKNOWLEDGE, BindingUpdate.Flag.HOME_REGISTRATION),
                Lifetime.ofSeconds(600), List.of());
        return MobilityPacket.of(homeAddress(sender), HA, CODEC.encode(bu, homeAddress(sender), HA)).toBytes();
    }

    /** A home agent that answers every Binding Update with an acknowledgement of its sequence number. */
    UdpTransport echoingHomeAgent(UdpTransport.Config config, CountDownLatch firstMayReturn) {
        UdpTransport ha = UdpTransport.open(config);
        toClose.add(ha);
        ha.start(in -> {
            BindingUpdate bu;
            try {
                bu = (BindingUpdate) in.decode(CODEC);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            Addressing a = in.addressing();
            Addressing back = new Addressing(a.destination(), a.source(), Optional.empty(), Optional.empty(),
                    a.outerPeer());
            BindingAcknowledgement ba = new BindingAcknowledgement(BindingAckStatus.ACCEPTED, Set.of(), bu.sequence(),
                    Lifetime.ofSeconds(600), List.of());
            ha.send(CODEC.encode(ba, back.pseudoHeaderSource(), back.pseudoHeaderDestination()), back);
            if (firstMayReturn != null) {
                try {
                    firstMayReturn.await(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        return ha;
    }

    DatagramChannel mobileNode(InetAddress loopback) throws Exception {
        DatagramChannel ch = DatagramChannel.open();
        ch.bind(new InetSocketAddress(loopback, 0));
        ch.setOption(StandardSocketOptions.SO_RCVBUF, 1 << 18);
        toClose.add(ch);
        return ch;
    }

    static int answeredSequence(DatagramChannel ch) throws Exception {
        ch.socket().setSoTimeout(TIMEOUT_MILLIS); // DatagramChannel.receive has no timeout; its socket adaptor has
        java.net.DatagramPacket p = new java.net.DatagramPacket(new byte[2048], 2048);
        ch.socket().receive(p);
        byte[] octets = java.util.Arrays.copyOf(p.getData(), p.getLength());
        MobilityPacket packet = MobilityPacketParser.parse(octets);
        BindingAcknowledgement ba = (BindingAcknowledgement) CODEC.decode(packet.mobilityHeader(),
                packet.pseudoHeaderSource(), packet.pseudoHeaderDestination());
        return ba.sequence().value();
    }

    @ParameterizedTest(name = "native-io {0}")
    @EnumSource(value = UdpTransport.NativeIo.class, names = {"ON", "OFF"})
    void everyBindingUpdateOfManySendersIsAnsweredAndEachSendersAnswersComeInItsOrder(UdpTransport.NativeIo mode)
            throws Exception {
        InetAddress loopback = InetAddress.getByName("::1");
        UdpTransport ha = echoingHomeAgent(new UdpTransport.Config(loopback, 0, 1 << 20).withNativeIo(mode), null);
        assertThat(ha.batched()).isEqualTo(mode == UdpTransport.NativeIo.ON);
        assertThat(ha.ioPath()).contains(mode == UdpTransport.NativeIo.ON ? "recvmmsg/sendmmsg"
                : "JDK DatagramChannel");
        List<DatagramChannel> nodes = new ArrayList<>();
        for (int s = 0; s < SENDERS; s++) {
            nodes.add(mobileNode(loopback));
        }
        int sequence = 1;
        for (int round = 0; round < ROUNDS; round++, sequence += WINDOW) {
            for (int i = 0; i < WINDOW; i++) { // a window from every sender, interleaved, before any answer is read
                for (int s = 0; s < SENDERS; s++) {
                    nodes.get(s).send(ByteBuffer.wrap(bindingUpdate(s, sequence + i)), ha.localAddress());
                }
            }
            for (int s = 0; s < SENDERS; s++) {
                for (int i = 0; i < WINDOW; i++) {
                    assertThat(answeredSequence(nodes.get(s))).as("sender " + s + ", answer " + (sequence + i))
                            .isEqualTo(sequence + i);
                }
            }
        }
        int total = SENDERS * WINDOW * ROUNDS;
        assertThat(ha.counters()).isEqualTo(new UdpTransport.Counters(total, total, 0, total, 0, 0));
        UdpTransport.BatchCounters b = ha.batchCounters();
        assertThat(b.datagramsReceived()).isEqualTo(total);
        assertThat(b.datagramsBatchSent()).isEqualTo(mode == UdpTransport.NativeIo.ON ? total : 0);
    }

    @ParameterizedTest(name = "native-io {0}")
    @EnumSource(value = UdpTransport.NativeIo.class, names = {"ON", "OFF"})
    void datagramsQueuedWhileTheReceiverIsBusyAreReadTogetherOnlyWhenBatched(UdpTransport.NativeIo mode)
            throws Exception {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        CountDownLatch release = new CountDownLatch(1);
        UdpTransport ha = echoingHomeAgent(new UdpTransport.Config(loopback, 0, 1 << 20).withNativeIo(mode)
                .withBatchSize(8), release);
        DatagramChannel node = mobileNode(loopback);
        node.send(ByteBuffer.wrap(bindingUpdate(0, 1)), ha.localAddress());
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MILLIS);
        while (ha.counters().delivered() == 0) { // the receiver now holds the first
            assertThat(System.nanoTime()).as("the first Binding Update reached the receiver").isLessThan(deadline);
            Thread.sleep(2);
        }
        for (int sequence = 2; sequence <= 12; sequence++) {
            node.send(ByteBuffer.wrap(bindingUpdate(0, sequence)), ha.localAddress());
        }
        release.countDown();
        for (int sequence = 1; sequence <= 12; sequence++) {
            assertThat(answeredSequence(node)).isEqualTo(sequence);
        }
        UdpTransport.BatchCounters b = ha.batchCounters();
        assertThat(b.datagramsReceived()).isEqualTo(12);
        if (mode == UdpTransport.NativeIo.ON) {
            assertThat(b.largestReceive()).as("the eleven queued are read 8 and 3").isEqualTo(8);
            assertThat(b.receives()).isEqualTo(3);
        } else {
            assertThat(b.largestReceive()).isEqualTo(1);
            assertThat(b.receives()).isEqualTo(12);
        }
    }

    @Test
    void whereTheBatchedPathIsUnusableAutoTakesTheJdkPathAndSaysWhy() throws Exception {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        UdpTransport.Config config = new UdpTransport.Config(loopback, 0, 0);
        UdpTransport.BatchOpener unusable = (endpoint, buffer, batch) -> {
            throw new LinuxBatchDatagramIo.UnavailableException("simulated: jffi could not load its native library",
                    null);
        };
        UdpTransport ha = UdpTransport.open(config, unusable);
        toClose.add(ha);
        assertThat(ha.batched()).isFalse();
        assertThat(ha.ioPath()).isEqualTo("JDK DatagramChannel, one datagram per system call (batched I/O "
                + "unavailable: simulated: jffi could not load its native library)");

        UdpTransport missingJnr = UdpTransport.open(config, (endpoint, buffer, batch) -> {
            throw new NoClassDefFoundError("jnr/ffi/Pointer");
        });
        toClose.add(missingJnr);
        assertThat(missingJnr.batched()).isFalse();
        assertThat(missingJnr.ioPath()).contains("jnr-ffi is not usable", "jnr/ffi/Pointer");

        // and it works: one round trip through the JDK path
        UdpTransport working = echoingHomeAgentOver(config, unusable);
        DatagramChannel node = mobileNode(loopback);
        node.send(ByteBuffer.wrap(bindingUpdate(1, 42)), working.localAddress());
        assertThat(answeredSequence(node)).isEqualTo(42);
    }

    UdpTransport echoingHomeAgentOver(UdpTransport.Config config, UdpTransport.BatchOpener opener) {
        UdpTransport ha = UdpTransport.open(config, opener);
        toClose.add(ha);
        ha.start(in -> {
            try {
                BindingUpdate bu = (BindingUpdate) in.decode(CODEC);
                Addressing a = in.addressing();
                Addressing back = new Addressing(a.destination(), a.source(), Optional.empty(), Optional.empty(),
                        a.outerPeer());
                ha.send(CODEC.encode(new BindingAcknowledgement(BindingAckStatus.ACCEPTED, Set.of(), bu.sequence(),
                        Lifetime.ZERO, List.of()), back.pseudoHeaderSource(), back.pseudoHeaderDestination()), back);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        return ha;
    }

    @Test
    void withNativeIoOnAnUnusableBatchedPathFailsTheOpenNamingTheSettingAndTheCause() throws Exception {
        UdpTransport.Config config = new UdpTransport.Config(InetAddress.getByName("127.0.0.1"), 0, 0)
                .withNativeIo(UdpTransport.NativeIo.ON);
        assertThatThrownBy(() -> UdpTransport.open(config, (endpoint, buffer, batch) -> {
            throw new LinuxBatchDatagramIo.UnavailableException("simulated: not Linux", null);
        })).isInstanceOf(SecurityProviderException.class)
                .hasMessageContaining("transport.udp.native-io: on")
                .hasMessageContaining("simulated: not Linux")
                .hasMessageContaining("docs/errors.md#udp-native-io-unavailable");
    }

    @Test
    void aBusyPortFailsTheBatchedOpenAsItFailsTheJdkOne() throws Exception {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        UdpTransport first = UdpTransport.open(new UdpTransport.Config(loopback, 0, 0)
                .withNativeIo(UdpTransport.NativeIo.ON));
        toClose.add(first);
        int port = first.localAddress().getPort();
        assertThatThrownBy(() -> UdpTransport.open(new UdpTransport.Config(loopback, port, 0)
                .withNativeIo(UdpTransport.NativeIo.ON)))
                .isInstanceOf(SecurityProviderException.class)
                .hasMessageContaining("port " + port + " is already in use on 127.0.0.1:" + port);
    }
}
