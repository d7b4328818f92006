package org.mip6kit.benchmarks.state;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import org.mip6kit.engine.BindingRecord;
import org.mip6kit.engine.BindingStore.Durability;
import org.mip6kit.engine.StoredBinding;
import org.mip6kit.ha.state.BindingJournal;
import org.mip6kit.spi.BindingChange;
import org.mip6kit.spi.Identity;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;
import org.mip6kit.wire.SequenceNumber;

/**
 * What the home agent's durable store ({@link BindingJournal}) costs (docs/performance.md,
 * "Durable state"): the write cost per change with group commit, with {@code --window} changes
 * outstanding at once (as many Binding Updates in flight for different home addresses) and
 * with one at a time (every change its own sync), and the recovery time of a store holding
 * {@code --bindings} bindings.
 *
 * <pre>
 * java -cp benchmarks/target/mip6kit-benchmarks-*-shaded.jar \
 *   org.mip6kit.benchmarks.state.BindingStoreBenchmark [--dir D] [--changes N] [--window W]
 *   [--sync-delay-ms MS] [--bindings M]
 * </pre>
 * Defaults: a temporary directory under {@code target/} (the disk matters: put it on the
 * state directory's file system), 200000 changes, window 256, sync delay 2 ms, 1000000 bindings.
 */
public final class BindingStoreBenchmark {

    private BindingStoreBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path base = Path.of("target");
        int changes = 200_000;
        int window = 256;
        long syncDelayMs = 2;
        int bindings = 1_000_000;
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--dir" -> base = Path.of(args[i + 1]);
                case "--changes" -> changes = Integer.parseInt(args[i + 1]);
                case "--window" -> window = Integer.parseInt(args[i + 1]);
                case "--sync-delay-ms" -> syncDelayMs = Long.parseLong(args[i + 1]);
                case "--bindings" -> bindings = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Files.createDirectories(base);
        Duration syncDelay = Duration.ofMillis(syncDelayMs);
        Path dir = Files.createTempDirectory(base.toAbsolutePath(), "binding-store-");
        try {
            writes(dir.resolve("windowed"), changes, window, syncDelay);
            writes(dir.resolve("one-at-a-time"), Math.min(changes, 2000), 1, syncDelay);
            recovery(dir.resolve("recovery"), bindings, syncDelay);
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void writes(Path dir, int changes, int window, Duration syncDelay) throws Exception {
        Instant now = Instant.now();
        try (BindingJournal j = BindingJournal.open(dir, BindingJournal.Settings.of(syncDelay, Duration.ofMinutes(5)),
                Clock.systemUTC())) {
            ArrayDeque<CompletableFuture<Void>> outstanding = new ArrayDeque<>();
            long start = System.nanoTime();
            for (int i = 0; i < changes; i++) {
                if (outstanding.size() >= window) {
                    outstanding.poll().join();
                }
                outstanding.add(j.write(entry(i % 100_000, i / 100_000, now), Durability.BEFORE_ACK)
                        .toCompletableFuture());
            }
            outstanding.forEach(CompletableFuture::join);
            long nanos = System.nanoTime() - start;
            System.out.printf("WRITE window=%d changes=%d seconds=%.2f changes/s=%.0f us/change=%.1f syncs=%d "
                            + "changes/sync=%.1f journal-bytes/change=%.0f%n", window, changes, nanos / 1e9,
                    changes / (nanos / 1e9), nanos / 1e3 / changes, j.syncs(), (double) j.entriesWritten() / j.syncs(),
                    (double) Files.size(dir.resolve("bindings.journal")) / changes);
        }
    }

    private static void recovery(Path dir, int bindings, Duration syncDelay) throws Exception {
        Instant now = Instant.now();
        BindingJournal.Settings settings = new BindingJournal.Settings(syncDelay, Duration.ofSeconds(1), 4096,
                Long.MAX_VALUE, Duration.ofMinutes(5));
        try (BindingJournal j = BindingJournal.open(dir, settings, Clock.systemUTC())) {
            CompletableFuture<Void> last = null;
            for (int i = 0; i < bindings; i++) {
                last = j.write(entry(i, 0, now), Durability.LATER).toCompletableFuture();
            }
            last.join();
        }
        long bytes = Files.size(dir.resolve("bindings.journal"));
        long start = System.nanoTime();
        int restored;
        try (BindingJournal j = BindingJournal.open(dir, settings, Clock.systemUTC())) {
            restored = j.recovery().entries().size();
        }
        long nanos = System.nanoTime() - start;
        System.out.printf("RECOVERY bindings=%d journal-bytes=%d seconds=%.2f%n", restored, bytes, nanos / 1e9);
    }

    private static StoredBinding entry(int node, int round, Instant now) {
        Ipv6Address hoa = Ipv6Address.of(0x20010db800010000L, node);
        BindingRecord r = new BindingRecord(BindingRecord.State.BOUND, hoa, Ipv6Address.of(0x20010db800020000L, node),
                SequenceNumber.of(round & 0xFFFF), Lifetime.ofUnits(150), false, false,
                Identity.nai("node" + node + "@example.org"), now.plusSeconds(600), Optional.empty());
        return new StoredBinding(BindingChange.Kind.REFRESHED, r, new byte[30]);
    }

}
