package org.mip6kit.ha.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.engine.BindingRecord;
import org.mip6kit.engine.BindingStore.Durability;
import org.mip6kit.engine.StoredBinding;
import org.mip6kit.spi.BindingChange;
import org.mip6kit.spi.Identity;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;
import org.mip6kit.wire.SequenceNumber;

/**
 * {@link GridBindingStore} and {@link GridMembership} with two or three embedded Hazelcast
 * members in this JVM, joined over loopback by TCP/IP: a write is visible on every member, it
 * survives the member that owned it dying, one home address's writes apply in order, an old home
 * agent cannot erase the binding a node made at another, and a departed member's address is
 * taken over by exactly one survivor with its bindings.
 */
@Tag("medium")
class GridBindingStoreTest {

    private static final Ipv6Address HA_A = Ipv6Address.parse("2001:db8:1::a");
    private static final Ipv6Address HA_B = Ipv6Address.parse("2001:db8:1::b");
    private static final Ipv6Address HA_C = Ipv6Address.parse("2001:db8:1::c");
    private static final Instant EXPIRES = Instant.now().plusSeconds(3600).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);

    private final List<GridMembership> started = new ArrayList<>();
    private final BlockingQueue<String> takeovers = new LinkedBlockingQueue<>();

    @AfterEach
    void leave() {
        for (GridMembership m : started) {
            try {
                m.terminate();
            } catch (RuntimeException e) {
                // already gone
            }
        }
    }

    private List<GridMembership> cluster(Ipv6Address... agents) throws IOException {
        int[] ports = new int[agents.length];
        List<String> members = new ArrayList<>();
        for (int i = 0; i < agents.length; i++) {
            try (ServerSocket s = new ServerSocket(0)) {
                ports[i] = s.getLocalPort();
            }
            members.add("127.0.0.1:" + ports[i]);
        }
        List<GridMembership> out = new ArrayList<>();
        for (int i = 0; i < agents.length; i++) {
            String name = "member-" + (char) ('a' + i) + "-" + ports[i];
            GridMembership.Settings s = new GridMembership.Settings(name, "127.0.0.1", ports[i], members,
                    Duration.ofSeconds(3));
            GridMembership m = GridMembership.join(s, agents[i], inherited ->
                    takeovers.add(name + " took " + inherited.homeAgent() + " with "
                            + inherited.store().entriesServedBy(inherited.homeAgent()).size() + " bindings"),
                    java.time.Clock.systemUTC());
            started.add(m);
            out.add(m);
        }
        for (GridMembership m : out) {
            assertThat(m.memberCount()).as("members seen by each").isEqualTo(agents.length);
        }
        return out;
    }

    private static StoredBinding bound(int host, int seq, String careOf) {
        return new StoredBinding(BindingChange.Kind.REFRESHED, record(BindingRecord.State.BOUND, host, seq, careOf),
                new byte[] {9, (byte) seq});
    }

    private static BindingRecord record(BindingRecord.State state, int host, int seq, String careOf) {
        return new BindingRecord(state, Ipv6Address.of(0x20010db800010000L, host), Ipv6Address.parse(careOf),
                SequenceNumber.of(seq), Lifetime.ofUnits(150), false, false, Identity.nai("mn" + host + "@example.org"),
                EXPIRES, Optional.empty(), List.of());
    }

    private static void await(java.util.concurrent.CompletionStage<Void> s) throws Exception {
        s.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aWriteIsReadBackOnAnotherMember() throws Exception {
        List<GridMembership> c = cluster(HA_A, HA_B);
        await(c.get(0).store(HA_A).write(bound(1, 7, "2001:db8:2::1"), Durability.BEFORE_ACK));

        GridBindingStore seenFromB = c.get(1).store(HA_B);
        StoredBinding back = seenFromB.entry(Ipv6Address.of(0x20010db800010000L, 1)).orElseThrow();
        assertThat(back).isEqualTo(bound(1, 7, "2001:db8:2::1"));
        assertThat(back.providerRecord()).containsExactly(9, 7);
        assertThat(seenFromB.servingAgent(back.binding().homeAddress())).contains(HA_A);
        assertThat(seenFromB.entriesServedBy(HA_A)).containsExactly(bound(1, 7, "2001:db8:2::1"));
        assertThat(seenFromB.entriesServedBy(HA_B)).isEmpty();
    }

    @Test
    void everyAcknowledgedWriteSurvivesTheDeathOfAnyOneMember() throws Exception {
        List<GridMembership> c = cluster(HA_A, HA_B, HA_C);
        GridBindingStore a = c.get(0).store(HA_A);
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        for (int host = 1; host <= 500; host++) {
            writes.add(a.write(bound(host, host, "2001:db8:2::1"), Durability.BEFORE_ACK).toCompletableFuture());
        }
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

        // The member that owns a partition holds its primary copy; killing one loses the primaries
        // it held, and the synchronous backups on the others must stand in for them.
        c.get(1).terminate();
        GridBindingStore fromC = c.get(2).store(HA_C);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        List<StoredBinding> back = List.of();
        while (System.nanoTime() < deadline) {
            back = fromC.entriesServedBy(HA_A);
            if (back.size() == 500 && c.get(2).memberCount() == 2) {
                break;
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        assertThat(back).hasSize(500);
        for (int host = 1; host <= 500; host++) {
            assertThat(fromC.entry(Ipv6Address.of(0x20010db800010000L, host))).contains(bound(host, host,
                    "2001:db8:2::1"));
        }
    }

    @Test
    void writesToOneHomeAddressApplyInTheOrderTheyWereSubmitted() throws Exception {
        List<GridMembership> c = cluster(HA_A, HA_B);
        GridBindingStore a = c.get(0).store(HA_A);
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        for (int seq = 1; seq <= 2000; seq++) {
            writes.add(a.write(bound(42, seq, "2001:db8:2::" + Integer.toHexString(seq)), Durability.LATER)
                    .toCompletableFuture());
        }
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        StoredBinding last = c.get(1).store(HA_B).entry(Ipv6Address.of(0x20010db800010000L, 42)).orElseThrow();
        assertThat(last.binding().sequence()).isEqualTo(SequenceNumber.of(2000));
        assertThat(last.binding().careOfAddress()).isEqualTo(Ipv6Address.parse("2001:db8:2::7d0"));
    }

    @Test
    void theOldHomeAgentCannotEraseTheBindingANodeMadeAtAnother() throws Exception {
        List<GridMembership> c = cluster(HA_A, HA_B);
        GridBindingStore a = c.get(0).store(HA_A);
        GridBindingStore b = c.get(1).store(HA_B);
        await(a.write(bound(5, 10, "2001:db8:2::5"), Durability.BEFORE_ACK));
        // the node switched to B (RFC 5142) and registered there
        await(b.write(new StoredBinding(BindingChange.Kind.CREATED, record(BindingRecord.State.BOUND, 5, 1,
                "2001:db8:2::5"), new byte[0]), Durability.BEFORE_ACK));
        // then A's binding expires or is deregistered, and A removes what it wrote
        await(a.write(new StoredBinding(BindingChange.Kind.EXPIRED, record(BindingRecord.State.REPLAY_HOLD, 5, 10,
                "2001:db8:2::5"), new byte[0]), Durability.LATER));
        await(a.remove(Ipv6Address.of(0x20010db800010000L, 5)));

        Ipv6Address hoa = Ipv6Address.of(0x20010db800010000L, 5);
        assertThat(a.servingAgent(hoa)).contains(HA_B);
        assertThat(a.entry(hoa).orElseThrow().binding().isBound()).isTrue();
        assertThat(a.entriesServedBy(HA_A)).isEmpty();

        // B's own deregistration does replace it
        await(b.write(new StoredBinding(BindingChange.Kind.DELETED, record(BindingRecord.State.REPLAY_HOLD, 5, 2,
                "2001:db8:2::5"), new byte[0]), Durability.BEFORE_ACK));
        assertThat(a.entry(hoa).orElseThrow().binding().isBound()).isFalse();
    }

    @Test
    void exactlyOneSurvivorTakesOverADeadMembersAddressWithItsBindings() throws Exception {
        List<GridMembership> c = cluster(HA_A, HA_B, HA_C);
        GridBindingStore b = c.get(1).store(HA_B);
        for (int host = 1; host <= 50; host++) {
            await(b.write(bound(host, 1, "2001:db8:2::9"), Durability.BEFORE_ACK));
        }
        assertThat(c.get(0).otherAgents()).containsExactly(HA_B, HA_C);

        long killedAt = System.nanoTime();
        c.get(1).terminate();
        String first = takeovers.poll(20, TimeUnit.SECONDS);
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
        assertThat(first).as("a takeover within the failure timeout and a margin").isNotNull();
        assertThat(first).endsWith("took " + HA_B + " with 50 bindings");
        assertThat(takeovers.poll(2, TimeUnit.SECONDS)).as("a second takeover of the same address").isNull();
        assertThat(c.get(2).servedAddresses().keySet()).containsExactlyInAnyOrder(HA_A, HA_B, HA_C);
        System.out.println("takeover of " + HA_B + " " + tookMillis + " ms after the kill");
    }
}
