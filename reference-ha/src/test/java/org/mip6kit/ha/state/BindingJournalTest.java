package org.mip6kit.ha.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mip6kit.engine.BindingRecord;
import org.mip6kit.engine.BindingStore.Durability;
import org.mip6kit.engine.StoredBinding;
import org.mip6kit.spi.BindingChange;
import org.mip6kit.spi.Identity;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;
import org.mip6kit.wire.MobileNetworkPrefix;
import org.mip6kit.wire.SequenceNumber;

/**
 * {@link BindingJournal}: what was made durable comes back after a crash, a write torn by the
 * crash is cut off, damage anywhere else stops the home agent with the file named, and many
 * changes share one sync.
 */
@Tag("medium")
class BindingJournalTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final Duration HOLD = Duration.ofMinutes(5);

    @TempDir
    Path dir;

    private static BindingJournal.Settings settings(Duration syncDelay) {
        return BindingJournal.Settings.of(syncDelay, HOLD);
    }

    static StoredBinding bound(int host, int seq, String coa, Instant expires) throws Exception {
        Ipv6Address hoa = Ipv6Address.of(0x20010db800010000L, host);
        // every fifth node is a mobile router with one or two prefixes (RFC 3963), which must come back too
        boolean router = host % 5 == 0;
        List<MobileNetworkPrefix> prefixes = !router ? List.of() : host % 10 == 0
                ? List.of(new MobileNetworkPrefix(48, Ipv6Address.of(0x20010db801000000L | host << 16, 0)),
                        new MobileNetworkPrefix(64, Ipv6Address.of(0x20010db802000000L | host << 16, 0)))
                : List.of(new MobileNetworkPrefix(56, Ipv6Address.of(0x20010db803000000L | host << 16, 0)));
        BindingRecord r = new BindingRecord(BindingRecord.State.BOUND, hoa, Ipv6Address.parse(coa),
                SequenceNumber.of(seq), Lifetime.ofUnits(150), router, host % 2 == 0, Identity.nai("mn" + host
                + "@example.org"), expires, host % 3 == 0 ? Optional.empty()
                : Optional.of(new InetSocketAddress(InetAddress.getByName("192.0.2.7"), 4000 + host)), prefixes);
        return new StoredBinding(BindingChange.Kind.CREATED, r, new byte[] {1, (byte) host});
    }

    private BindingJournal open() throws IOException {
        return BindingJournal.open(dir, settings(Duration.ofMillis(2)), CLOCK);
    }

    private static Map<Ipv6Address, StoredBinding> byHome(List<StoredBinding> entries) {
        return entries.stream().collect(Collectors.toMap(s -> s.binding().homeAddress(), Function.identity()));
    }

    @Test
    void entriesMadeDurableComeBackWithEveryField() throws Exception {
        List<StoredBinding> written = new ArrayList<>();
        try (BindingJournal j = open()) {
            for (int i = 1; i <= 50; i++) {
                StoredBinding s = bound(i, i, "2001:db8:2::" + i, NOW.plusSeconds(600 + i));
                written.add(s);
                j.write(s, Durability.BEFORE_ACK).toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
        }
        try (BindingJournal j = open()) {
            assertThat(j.recovery().entries()).containsExactlyInAnyOrderElementsOf(written);
            assertThat(j.recovery().entries()).filteredOn(e -> e.binding().mobileNetworkPrefixes().size() == 2)
                    .hasSize(5);
            assertThat(j.recovery().journalEntries()).isEqualTo(50);
            assertThat(j.recovery().tornBytes()).isZero();
        }
    }

    @Test
    void theLastEntryPerHomeAddressWinsAndARemovalForgetsIt() throws Exception {
        try (BindingJournal j = open()) {
            j.write(bound(1, 5, "2001:db8:2::1", NOW.plusSeconds(600)), Durability.BEFORE_ACK);
            j.write(bound(1, 6, "2001:db8:3::1", NOW.plusSeconds(700)), Durability.BEFORE_ACK);
            j.write(bound(2, 9, "2001:db8:2::2", NOW.plusSeconds(600)), Durability.LATER);
            j.remove(Ipv6Address.of(0x20010db800010000L, 2)).toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        try (BindingJournal j = open()) {
            Map<Ipv6Address, StoredBinding> got = byHome(j.recovery().entries());
            assertThat(got).hasSize(1);
            StoredBinding one = got.get(Ipv6Address.of(0x20010db800010000L, 1));
            assertThat(one.binding().sequence()).isEqualTo(SequenceNumber.of(6));
            assertThat(one.binding().careOfAddress()).isEqualTo(Ipv6Address.parse("2001:db8:3::1"));
        }
    }

    @Test
    void aTornLastEntryIsCutOffAndTheRestRecovered() throws Exception {
        try (BindingJournal j = open()) {
            for (int i = 1; i <= 3; i++) {
                j.write(bound(i, i, "2001:db8:2::1", NOW.plusSeconds(600)), Durability.BEFORE_ACK)
                        .toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
        }
        Path journal = dir.resolve(BindingJournal.JOURNAL);
        long size = Files.size(journal);
        try (FileChannel c = FileChannel.open(journal, StandardOpenOption.WRITE)) {
            c.truncate(size - 10);   // the crash came in the middle of the third entry
        }
        try (BindingJournal j = open()) {
            assertThat(j.recovery().entries()).hasSize(2);
            assertThat(j.recovery().tornBytes()).isGreaterThan(0).isLessThan(size);
            j.write(bound(4, 4, "2001:db8:2::4", NOW.plusSeconds(600)), Durability.BEFORE_ACK)
                    .toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        try (BindingJournal j = open()) {
            assertThat(j.recovery().entries()).as("appends after the cut are read back").hasSize(3);
            assertThat(j.recovery().tornBytes()).isZero();
        }
    }

    @Test
    void aLastEntryWithABadCrcOrZerosToTheEndIsATornWrite() throws Exception {
        try (BindingJournal j = open()) {
            for (int i = 1; i <= 2; i++) {
                j.write(bound(i, i, "2001:db8:2::1", NOW.plusSeconds(600)), Durability.BEFORE_ACK)
                        .toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
        }
        Path journal = dir.resolve(BindingJournal.JOURNAL);
        flipLastOctet(journal);
        try (FileChannel c = FileChannel.open(journal, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            c.write(ByteBuffer.allocate(0));
        }
        try (BindingJournal j = open()) {
            assertThat(j.recovery().entries()).hasSize(1);
        }
        try (FileChannel c = FileChannel.open(journal, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            c.write(ByteBuffer.allocate(4096));   // a file extended with zeros before the data reached it
        }
        try (BindingJournal j = open()) {
            assertThat(j.recovery().entries()).hasSize(1);
            assertThat(j.recovery().tornBytes()).isEqualTo(4096);
        }
    }

    @Test
    void aCrcMismatchInTheMiddleStopsWithAnErrorNamingTheFile() throws Exception {
        try (BindingJournal j = open()) {
            for (int i = 1; i <= 3; i++) {
                j.write(bound(i, i, "2001:db8:2::1", NOW.plusSeconds(600)), Durability.BEFORE_ACK)
                        .toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
        }
        Path journal = dir.resolve(BindingJournal.JOURNAL);
        byte[] all = Files.readAllBytes(journal);
        int secondEntryPayload = 16 + 8 + ByteBuffer.wrap(all, 16, 4).getInt() + 8 + 20;
        all[secondEntryPayload] ^= 0x40;
        Files.write(journal, all);

        StateStoreCorruptException e = assertThrows(StateStoreCorruptException.class, this::open);

        assertThat(e.file()).isEqualTo(journal);
        assertThat(e.getMessage()).contains(journal.toString()).contains("CRC mismatch")
                .contains("docs/errors.md#corrupt-state-store");
        assertThat(Files.readAllBytes(journal)).as("nothing cut off").isEqualTo(all);
        // The failed open released the directory's lock: a second attempt fails the same way, not on the lock.
        assertThat(assertThrows(StateStoreCorruptException.class, this::open).offset()).isEqualTo(e.offset());
    }

    @Test
    void anotherFormatIsCorruptNotEmpty() throws Exception {
        Files.writeString(dir.resolve(BindingJournal.JOURNAL), "home-agent:\n  address: 2001:db8:1::1\n");
        StateStoreCorruptException e = assertThrows(StateStoreCorruptException.class, this::open);
        assertThat(e.getMessage()).contains("not a binding journal");
    }

    @Test
    void aSecondHomeAgentOnTheSameDirectoryIsRefused() throws Exception {
        try (BindingJournal j = open()) {
            IOException e = assertThrows(IOException.class, this::open);
            assertThat(e.getMessage()).contains("in use by another home agent");
        }
    }

    @Test
    void groupCommitMakesManyChangesDurableWithFewSyncs() throws Exception {
        try (BindingJournal j = BindingJournal.open(dir, settings(Duration.ofMillis(50)), CLOCK)) {
            List<CompletableFuture<Void>> stages = new ArrayList<>();
            for (int i = 1; i <= 200; i++) {
                stages.add(j.write(bound(i, i, "2001:db8:2::1", NOW.plusSeconds(600)), Durability.BEFORE_ACK)
                        .toCompletableFuture());
            }
            CompletableFuture.allOf(stages.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
            assertThat(j.entriesWritten()).isEqualTo(200);
            assertThat(j.syncs()).as("200 changes queued within the 50 ms delay share a sync or two")
                    .isBetween(1L, 3L);
        }
    }

    @Test
    void aChangeNothingWaitsForIsSyncedWithTheNextUrgentOne() throws Exception {
        BindingJournal.Settings s = new BindingJournal.Settings(Duration.ZERO, Duration.ofMinutes(10), 4096,
                64L << 20, HOLD);
        try (BindingJournal j = BindingJournal.open(dir, s, CLOCK)) {
            CompletableFuture<Void> later = j.write(bound(1, 1, "2001:db8:2::1", NOW.plusSeconds(600)),
                    Durability.LATER).toCompletableFuture();
            assertThat(later).as("waits up to its own, longer delay").isNotDone();
            j.write(bound(2, 1, "2001:db8:2::1", NOW.plusSeconds(600)), Durability.BEFORE_ACK)
                    .toCompletableFuture().get(10, TimeUnit.SECONDS);
            later.get(10, TimeUnit.SECONDS);
            assertThat(j.syncs()).isEqualTo(1);
        }
    }

    @Test
    void theWriterWakesForABatchNotForEveryChange() throws Exception {
        try (BindingJournal j = BindingJournal.open(dir, settings(Duration.ofMillis(300)), CLOCK)) {
            List<CompletableFuture<Void>> stages = new ArrayList<>();
            for (int i = 1; i <= 1000; i++) {
                stages.add(j.write(bound(i, i, "2001:db8:2::1", NOW.plusSeconds(600)), Durability.BEFORE_ACK)
                        .toCompletableFuture());
            }
            CompletableFuture.allOf(stages.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            assertThat(j.entriesWritten()).isEqualTo(1000);
            // Per batch: once when its first change arrives, once at its deadline (and a spurious
            // wake-up or two the JVM may allow itself), however many changes join it.
            assertThat(j.writerWakeups()).as("wake-ups for %d syncs of 1000 changes", j.syncs())
                    .isLessThanOrEqualTo(2 * j.syncs() + 2);
        }
    }

    @Test
    void aSyncedChangeIsCompletedOnTheCompletionThreadNotTheWriter() throws Exception {
        BindingJournal.Settings s = new BindingJournal.Settings(Duration.ZERO, Duration.ofMinutes(10), 4096,
                64L << 20, HOLD);
        try (BindingJournal j = BindingJournal.open(dir, s, CLOCK)) {
            // Nothing forces the LATER change out until the urgent one, so its dependent stage is
            // in place before it can complete and runs on whichever thread completes it.
            CompletableFuture<String> ranOn = j.write(bound(1, 1, "2001:db8:2::1", NOW.plusSeconds(600)),
                    Durability.LATER).thenApply(v -> Thread.currentThread().getName()).toCompletableFuture();
            j.write(bound(2, 1, "2001:db8:2::1", NOW.plusSeconds(600)), Durability.BEFORE_ACK)
                    .toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(ranOn.get(10, TimeUnit.SECONDS)).isEqualTo("mip6-ha-state-completion");
        }
    }

    @Test
    void theWriterSyncsTheNextBatchWhileTheLastOnesContinuationStillRuns() throws Exception {
        BindingJournal.Settings s = new BindingJournal.Settings(Duration.ZERO, Duration.ofMinutes(10), 4096,
                64L << 20, HOLD);
        java.util.concurrent.CountDownLatch engineStarted = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch engineBusy = new java.util.concurrent.CountDownLatch(1);
        try (BindingJournal j = BindingJournal.open(dir, s, CLOCK)) {
            CompletableFuture<Void> slow = j.write(bound(1, 1, "2001:db8:2::1", NOW.plusSeconds(600)),
                    Durability.LATER).thenRun(() -> {
                        engineStarted.countDown();
                        try {
                            engineBusy.await(30, TimeUnit.SECONDS); // the engine's work for the first batch
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }).toCompletableFuture();
            j.write(bound(2, 1, "2001:db8:2::1", NOW.plusSeconds(600)), Durability.BEFORE_ACK);
            assertThat(engineStarted.await(20, TimeUnit.SECONDS)).as("the first batch was synced").isTrue();
            assertThat(j.entriesWritten()).isEqualTo(2);
            CompletableFuture<Void> next = j.write(bound(3, 1, "2001:db8:2::1", NOW.plusSeconds(600)),
                    Durability.BEFORE_ACK).toCompletableFuture();
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (j.entriesWritten() < 3 && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                assertThat(j.entriesWritten()).as("the third change is synced while the first batch's continuation "
                        + "still runs").isEqualTo(3);
                assertThat(slow).isNotDone();
                assertThat(next).as("stages complete in order, after the first batch's").isNotDone();
            } finally {
                engineBusy.countDown();
            }
            next.get(10, TimeUnit.SECONDS);
            slow.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aSnapshotReplacesAGrownJournalAndLeavesLapsedEntriesOut() throws Exception {
        BindingJournal.Settings s = new BindingJournal.Settings(Duration.ZERO, Duration.ofSeconds(1), 4096, 4096,
                HOLD);
        StoredBinding lapsed = bound(999, 1, "2001:db8:2::1", NOW.minus(HOLD).minusSeconds(1));
        try (BindingJournal j = BindingJournal.open(dir, s, CLOCK)) {
            j.write(lapsed, Durability.BEFORE_ACK).toCompletableFuture().get(10, TimeUnit.SECONDS);
            for (int round = 0; round < 20; round++) {
                for (int i = 1; i <= 5; i++) {
                    j.write(bound(i, round, "2001:db8:2::" + i, NOW.plusSeconds(600)), Durability.BEFORE_ACK)
                            .toCompletableFuture().get(10, TimeUnit.SECONDS);
                }
            }
            assertThat(j.generation()).isGreaterThan(0);
        }
        assertThat(Files.size(dir.resolve(BindingJournal.JOURNAL))).isLessThan(4096 + 1024);
        try (BindingJournal j = BindingJournal.open(dir, s, CLOCK)) {
            Map<Ipv6Address, StoredBinding> got = byHome(j.recovery().entries());
            assertThat(got).hasSize(5);
            assertThat(got.values()).allSatisfy(e -> assertThat(e.binding().sequence()).isEqualTo(SequenceNumber.of(19)));
        }
    }

    @Test
    void aJournalOlderThanTheSnapshotWasSupersededByIt() throws Exception {
        Path journal = dir.resolve(BindingJournal.JOURNAL);
        try (BindingJournal j = open()) {
            for (int seq = 1; seq <= 5; seq++) {
                j.write(bound(1, seq, "2001:db8:2::1", NOW.plusSeconds(600)), Durability.BEFORE_ACK)
                        .toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
        }
        byte[] stale = Files.readAllBytes(journal);
        BindingJournal.Settings small = new BindingJournal.Settings(Duration.ZERO, Duration.ofSeconds(1), 4096, 200,
                HOLD);
        BindingJournal compacting = BindingJournal.open(dir, small, CLOCK);
        compacting.write(bound(1, 6, "2001:db8:3::1", NOW.plusSeconds(600)), Durability.BEFORE_ACK)
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        compacting.close();   // the writer snapshots after completing the batch; close waits for it
        assertThat(compacting.generation()).isEqualTo(1);
        // A crash between the snapshot's rename and the new journal's: the old journal is still there.
        Files.write(journal, stale);

        try (BindingJournal j = open()) {
            assertThat(j.recovery().entries()).hasSize(1);
            assertThat(j.recovery().entries().get(0).binding().sequence()).isEqualTo(SequenceNumber.of(6));
            assertThat(j.recovery().journalEntries()).as("the stale journal is not replayed").isZero();
        }
    }

    private static void flipLastOctet(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        all[all.length - 1] ^= 0x01;
        Files.write(file, all);
    }
}
