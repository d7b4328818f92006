package org.mip6kit.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.Inbound;
import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.BindingAcknowledgement;
import org.mip6kit.wire.BindingUpdate;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;
import org.mip6kit.wire.MobilityHeaderCodec;
import org.mip6kit.wire.MobilityHeaderFormatException;
import org.mip6kit.wire.SequenceNumber;
import org.mip6kit.wire.packet.MobilityPacket;
import org.mip6kit.wire.packet.MobilityPacketParser;
import org.mip6kit.transport.FakeDatagramIo.Arrival;
import org.mip6kit.transport.FakeDatagramIo.Departure;

/**
 * The batching logic of {@link UdpTransport} over a {@link FakeDatagramIo}: arrival order, the
 * answers of a batch leaving together once it is handled, partial and refused batch sends,
 * datagrams that cannot be signalling. No socket; the receive thread is the transport's own.
 */
@Tag("small")
class UdpTransportBatchTest {

    static final Ipv6Address HA = Ipv6Address.parse("2001:db8:1::1");
    static final MobilityHeaderCodec CODEC = MobilityHeaderCodec.standard();
    static final long DEADLINE_MILLIS = 10_000;

    final List<UdpTransport> open = new ArrayList<>();

    @AfterEach
    void closeAll() {
        open.forEach(UdpTransport::close);
    }

    static Ipv6Address homeAddress(int sequence) {
        return Ipv6Address.parse("2001:db8:1::" + Integer.toHexString(0x100 + sequence));
    }

    static InetSocketAddress peer(int sequence) {
        return new InetSocketAddress("198.51.100." + (sequence % 250 + 1), 40000 + sequence);
    }

    /** A Binding Update with {@code sequence} from its own home address and peer. */
    static Arrival bindingUpdate(int sequence) {
        BindingUpdate bu = new BindingUpdate(SequenceNumber.of(sequence),
                EnumSet.of(BindingUpdate.Flag.ACKNOWLEDGE, BindingUpdate.Flag.HOME_REGISTRATION),
                Lifetime.ofSeconds(600), List.of());
        byte[] mh = CODEC.encode(bu, homeAddress(sequence), HA);
        return Arrival.of(MobilityPacket.of(homeAddress(sequence), HA, mh).toBytes(), peer(sequence));
    }

    static int sequenceOf(Inbound in) {
        try {
            return ((BindingUpdate) in.decode(CODEC)).sequence().value();
        } catch (MobilityHeaderFormatException e) {
            throw new AssertionError(e);
        }
    }

    static int sequenceOf(Departure d) {
        try {
            MobilityPacket p = MobilityPacketParser.parse(d.octets());
            return ((BindingAcknowledgement) CODEC.decode(p.mobilityHeader(), p.pseudoHeaderSource(),
                    p.pseudoHeaderDestination())).sequence().value();
        } catch (MobilityHeaderFormatException e) {
            throw new AssertionError(e);
        }
    }

    /** A transport over {@code io} whose receiver logs each Binding Update and answers it {@code answers} times. */
    UdpTransport answering(FakeDatagramIo io, int answers) {
        UdpTransport t = new UdpTransport(io, io.describe(), 1);
        open.add(t);
        t.start(in -> {
            int sequence = sequenceOf(in);
            io.events.add("handled " + sequence);
            for (int i = 0; i < answers; i++) {
                answer(t, in, sequence);
            }
        });
        return t;
    }

    static void answer(UdpTransport t, Inbound in, int sequence) {
        Addressing a = in.addressing();
        BindingAcknowledgement ba = new BindingAcknowledgement(BindingAckStatus.ACCEPTED, Set.of(),
                SequenceNumber.of(sequence), Lifetime.ofSeconds(600), List.of());
        Addressing back = new Addressing(a.destination(), a.source(), java.util.Optional.empty(),
                java.util.Optional.empty(), a.outerPeer());
        t.send(CODEC.encode(ba, back.pseudoHeaderSource(), back.pseudoHeaderDestination()), back)
                .toCompletableFuture().join();
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DEADLINE_MILLIS);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() < deadline).as(what + " within " + DEADLINE_MILLIS + " ms").isTrue();
            Thread.sleep(2);
        }
    }

    static List<Integer> sequencesOnTheWire(FakeDatagramIo io) {
        synchronized (io.wire) {
            return io.wire.stream().map(UdpTransportBatchTest::sequenceOf).toList();
        }
    }

    @Test
    void theAnswersOfABatchLeaveInOneSendOnceItsLastDatagramIsHandledInArrivalOrder() throws Exception {
        FakeDatagramIo io = new FakeDatagramIo(8);
        UdpTransport t = answering(io, 1);
        io.arrive(bindingUpdate(1), bindingUpdate(2), bindingUpdate(3));

        await("three answers", () -> io.wire.size() == 3);
        assertThat(io.events).containsExactly("received 3", "handled 1", "put 0", "handled 2", "put 1",
                "handled 3", "put 2", "sendmmsg 0+3 sent 3");
        assertThat(sequencesOnTheWire(io)).containsExactly(1, 2, 3);
        assertThat(io.wire).extracting(Departure::to).containsExactly(peer(1), peer(2), peer(3));
        assertThat(io.wire).allMatch(Departure::batched);
        UdpTransport.BatchCounters b = t.batchCounters();
        assertThat(b.receives()).isEqualTo(1);
        assertThat(b.datagramsReceived()).isEqualTo(3);
        assertThat(b.largestReceive()).isEqualTo(3);
        assertThat(b.receiveHistogram()).containsExactly(0, 1, 0, 0, 0, 0, 0);
        assertThat(b.batchSends()).isEqualTo(1);
        assertThat(b.datagramsBatchSent()).isEqualTo(3);
        assertThat(t.counters()).isEqualTo(new UdpTransport.Counters(3, 3, 0, 3, 0, 0));
    }

    @Test
    void aLoneDatagramsAnswerLeavesAsSoonAsItsReceiverCallReturns() throws Exception {
        FakeDatagramIo io = new FakeDatagramIo(32);
        answering(io, 1);
        io.arrive(bindingUpdate(7));

        await("the answer", () -> io.wire.size() == 1);
        assertThat(io.events).containsExactly("received 1", "handled 7", "put 0", "sendmmsg 0+1 sent 1");
        // Nothing else arrives: the answer did not wait for a fuller batch or a later receive.
    }

    @Test
    void aBatchSendThatTakesOnlyPartIsResumedFromTheFirstDatagramNotSent() throws Exception {
        FakeDatagramIo io = new FakeDatagramIo(8);
        io.sendScript.add(2);
        UdpTransport t = answering(io, 1);
        io.arrive(bindingUpdate(1), bindingUpdate(2), bindingUpdate(3), bindingUpdate(4), bindingUpdate(5));

        await("five answers", () -> io.wire.size() == 5);
        assertThat(io.events).containsSubsequence("sendmmsg 0+5 sent 2", "sendmmsg 2+3 sent 3");
        assertThat(sequencesOnTheWire(io)).containsExactly(1, 2, 3, 4, 5);
        assertThat(t.counters().sent()).isEqualTo(5);
        assertThat(t.counters().sendFailures()).isZero();
        assertThat(t.batchCounters().batchSends()).isEqualTo(2);
        assertThat(t.batchCounters().largestBatchSend()).isEqualTo(3);
    }

    @Test
    void aDatagramTheOperatingSystemRefusesIsCountedAndTheOthersOfTheBatchStillLeave() throws Exception {
        FakeDatagramIo io = new FakeDatagramIo(8);
        io.sendScript.add(1);
        io.sendScript.add(new IOException("sendmmsg failed: Network is unreachable (errno 101)"));
        UdpTransport t = answering(io, 1);
        io.arrive(bindingUpdate(1), bindingUpdate(2), bindingUpdate(3), bindingUpdate(4));

        await("the batch's sends", () -> io.events.stream().filter(e -> e.startsWith("sendmmsg")).count() == 3);
        assertThat(io.events).containsSubsequence("sendmmsg 0+4 sent 1", "sendmmsg 1+3 refused",
                "sendmmsg 2+2 sent 2");
        assertThat(sequencesOnTheWire(io)).containsExactly(1, 3, 4);
        assertThat(t.counters().sent()).isEqualTo(3);
        assertThat(t.counters().sendFailures()).isEqualTo(1);
    }

    @Test
    void whenTheSlotsAreFullTheyLeaveBeforeTheBatchEnds() throws Exception {
        FakeDatagramIo io = new FakeDatagramIo(2);
        answering(io, 2);
        io.arrive(bindingUpdate(1), bindingUpdate(2));

        await("four answers", () -> io.wire.size() == 4);
        assertThat(io.events).containsExactly("received 2", "handled 1", "put 0", "put 1", "sendmmsg 0+2 sent 2",
                "handled 2", "put 0", "put 1", "sendmmsg 0+2 sent 2");
        assertThat(sequencesOnTheWire(io)).containsExactly(1, 1, 2, 2);
    }

    @Test
    void aSendFromAnotherThreadLeavesAtOnceWhileABatchIsHandled() throws Exception {
        FakeDatagramIo io = new FakeDatagramIo(8);
        UdpTransport t = new UdpTransport(io, io.describe(), 1);
        open.add(t);
        CountDownLatch inBatch = new CountDownLatch(1);
        CountDownLatch otherSent = new CountDownLatch(1);
        List<Inbound> seen = new ArrayList<>();
        t.start(in -> {
            seen.add(in);
            answer(t, in, sequenceOf(in));
            inBatch.countDown();
            try {
                otherSent.await(DEADLINE_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        io.arrive(bindingUpdate(1));
        assertThat(inBatch.await(DEADLINE_MILLIS, TimeUnit.MILLISECONDS)).isTrue();

        answer(t, seen.get(0), 9); // from the test's thread
        assertThat(io.wire).as("the other thread's send left at once; the batch's answer waits")
                .extracting(Departure::batched).containsExactly(false);
        otherSent.countDown();
        await("the batch's answer", () -> io.wire.size() == 2);
        assertThat(sequencesOnTheWire(io)).containsExactly(9, 1);
        assertThat(io.events).containsSubsequence("put 0", "sendto", "sendmmsg 0+1 sent 1");
    }

    @Test
    void truncatedOversizeAndEmptyDatagramsOfABatchAreDroppedAsMalformedAndTheOthersDelivered() throws Exception {
        FakeDatagramIo io = new FakeDatagramIo(8);
        UdpTransport t = answering(io, 1);
        byte[] tooLong = new byte[UdpTransport.MAX_INNER_PACKET + 1];
        tooLong[0] = 0x60;
        io.arrive(bindingUpdate(1),
                new Arrival(new byte[UdpTransport.MAX_DATAGRAM], 70_000, true, peer(2)),
                Arrival.of(tooLong, peer(3)),
                Arrival.of(new byte[0], peer(4)),
                new Arrival(new byte[0], 0, false, null),
                bindingUpdate(6));

        await("two answers", () -> io.wire.size() == 2);
        assertThat(io.events).filteredOn(e -> e.startsWith("handled")).containsExactly("handled 1", "handled 6");
        assertThat(t.counters()).isEqualTo(new UdpTransport.Counters(6, 2, 4, 2, 0, 0));
    }

    @Test
    void whatIsQueuedWhenTheReceiverClosesTheTransportIsCountedAsNotSent() throws Exception {
        FakeDatagramIo io = new FakeDatagramIo(8);
        UdpTransport t = new UdpTransport(io, io.describe(), 1);
        open.add(t);
        CountDownLatch handled = new CountDownLatch(1);
        t.start(in -> {
            answer(t, in, sequenceOf(in));
            t.close();
            handled.countDown();
        });
        io.arrive(bindingUpdate(1));

        assertThat(handled.await(DEADLINE_MILLIS, TimeUnit.MILLISECONDS)).isTrue();
        await("the queued answer counted", () -> t.counters().sendFailures() == 1);
        assertThat(io.wire).isEmpty();
        assertThat(io.closed).isTrue();
    }
}
