package org.mip6kit.provider.auth4285;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

import org.mip6kit.engine.VirtualTime;
import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.HomeAgentSecurity;
import org.mip6kit.spi.Inbound;
import org.mip6kit.spi.Observed;
import org.mip6kit.spi.ProviderContext;
import org.mip6kit.spi.SignallingPath;
import org.mip6kit.spi.SignallingTransport;
import org.mip6kit.spi.Verdict;
import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.BindingAcknowledgement;
import org.mip6kit.wire.BindingUpdate;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;
import org.mip6kit.wire.MobileNodeIdentifier;
import org.mip6kit.wire.MobilityHeaderCodec;
import org.mip6kit.wire.MobilityMessage;
import org.mip6kit.wire.SequenceNumber;

/**
 * Prints (asserts nothing) what the home agent side costs: heap per key-table row, heap per node
 * whose Binding Update was accepted, and heap allocated per exchange (verify a Binding Update,
 * sign and send the acknowledgement) on one thread. Not a test: run it by hand,
 * <pre>
 * mvn -q -B -o -pl providers/auth-option-4285 test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * java -Xms2g -Xmx2g -cp providers/auth-option-4285/target/test-classes:providers/auth-option-4285/target/classes:$(cat /tmp/cp.txt) \
 *     org.mip6kit.provider.auth4285.FootprintReport 100000
 * </pre>
 * Heap figures are {@link MemoryMXBean} used heap after three {@code System.gc()} calls.
 * Allocation figures come from {@code com.sun.management.ThreadMXBean#getThreadAllocatedBytes}.
 */
public final class FootprintReport {

    private static final Ipv6Address HOME_AGENT = Ipv6Address.parse("2001:db8:1::1");

    private FootprintReport() {
    }

    public static void main(String[] args) throws Exception {
        int nodes = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int exchanges = args.length > 1 ? Integer.parseInt(args[1]) : 400_000;
        Instant start = Instant.parse("2026-11-27T12:00:00Z");
        VirtualTime time = new VirtualTime(start);

        byte[][] keys = new byte[nodes][20];
        SecureRandom random = new SecureRandom();
        StringBuilder table = new StringBuilder(nodes * 80);
        for (int i = 0; i < nodes; i++) {
            random.nextBytes(keys[i]);
            table.append(nai(i)).append(' ').append(256 + i).append(" hmac-sha1 key=")
                    .append(HexFormat.of().formatHex(keys[i])).append('\n');
        }
        Path dir = Files.createTempDirectory("auth4285-footprint", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        Path file = dir.resolve("keys");
        Files.writeString(Files.createFile(file, PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rw-------"))), table);
        table = null;

        long before = usedHeap();
        java.lang.management.ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        long c0 = cpu.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        HomeAgentSecurity ha = new AuthOption4285Provider().homeAgent(new TestContext(ProviderContext.Role.HOME_AGENT,
                time), ConfigSection.of("security.auth-option-4285", null, Map.of("key-table", file.toString())));
        long loadNanos = System.nanoTime() - t0;
        long loadCpu = cpu.getCurrentThreadCpuTime() - c0;
        Files.delete(file);
        Files.delete(dir);
        long built = usedHeap();
        SignallingPath path = ha.path(() -> new DiscardingTransport());
        path.start(in -> { });

        MobilityHeaderCodec codec = TestContext.providerCodec();
        for (int i = 0; i < nodes; i++) {
            Prepared e = exchange(codec, keys, i, NtpTimestamp.of(time.clock().instant()) + i);
            if (!(path.verify(e.in, e.decoded).toCompletableFuture().join() instanceof Verdict.Accept)) {
                throw new AssertionError("node " + i + " was not accepted");
            }
        }
        long accepted = usedHeap();
        System.out.printf("nodes %,d; home agent built (key table read) in %.2f s, %.2f s CPU of this thread%n", nodes,
                loadNanos / 1e9, loadCpu / 1e9);
        System.out.printf("heap per key-table row:        %6.1f B%n", (built - before) / (double) nodes);
        System.out.printf("heap per node with replay memory: %6.1f B (state count %,d)%n",
                (accepted - built) / (double) nodes, ha.perNodeStateCount());

        // Allocation per exchange: verify a BU, sign and send the BA, round-robin over prepared BUs.
        int prepared = Math.min(nodes, 4096);
        int rounds = Math.max(2, exchanges / prepared);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        BindingAcknowledgement ba = new BindingAcknowledgement(BindingAckStatus.ACCEPTED,
                EnumSet.noneOf(BindingAcknowledgement.Flag.class), SequenceNumber.of(7), Lifetime.ofUnits(900),
                List.of());
        long verifyBytes = 0;
        long sendBytes = 0;
        long nanos = 0;
        long count = 0;
        Verdict.Accept[] verdicts = new Verdict.Accept[prepared];
        for (int round = 0; round < rounds; round++) {
            time.advance(Duration.ofMillis(1));
            Prepared[] batch = new Prepared[prepared];
            long base = NtpTimestamp.of(time.clock().instant());
            for (int i = 0; i < prepared; i++) {
                batch[i] = exchange(codec, keys, i, base + i);
            }
            long a0 = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
            long n0 = System.nanoTime();
            for (int i = 0; i < prepared; i++) {
                Verdict v = path.verify(batch[i].in, batch[i].decoded).toCompletableFuture().join();
                if (!(v instanceof Verdict.Accept accept)) {
                    throw new AssertionError("not accepted: " + v);
                }
                verdicts[i] = accept;
            }
            long a1 = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
            for (int i = 0; i < prepared; i++) {
                path.send(ba, batch[i].answerTo, Optional.of(verdicts[i].reply()));
            }
            long n1 = System.nanoTime();
            long a2 = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
            if (round >= rounds / 2) { // the second half, warmed up
                verifyBytes += a1 - a0;
                sendBytes += a2 - a1;
                nanos += n1 - n0;
                count += prepared;
            }
        }
        System.out.printf("allocated per exchange: verify BU %.0f B + sign and send BA %.0f B; %.2f µs per exchange "
                + "(one thread, informal)%n", verifyBytes / (double) count, sendBytes / (double) count,
                nanos / 1e3 / count);
        macTimes(codec, keys, prepared);
    }

    /**
     * One MAC through {@link SecurityAssociation#verifies}: re-keyed for every message (a different
     * row each time, as when a home agent verifies BUs of many nodes) and kept keyed (the same
     * row, as when it signs the BA of the BU it has just verified). Informal: System.nanoTime
     * over many calls, best of five rounds.
     */
    private static void macTimes(MobilityHeaderCodec codec, byte[][] keys, int rows) throws Exception {
        StringBuilder table = new StringBuilder();
        for (int i = 0; i < rows; i++) {
            table.append(nai(i)).append(' ').append(256 + i).append(" hmac-sha1 key=")
                    .append(HexFormat.of().formatHex(keys[i])).append('\n');
        }
        Path file = Files.createTempFile("auth4285-macs", ".keys", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, table);
        KeyTable t = KeyTable.readFile(file, ConfigSection.of("s", null, Map.of()), "key-table");
        Files.delete(file);
        Prepared tv = exchange(codec, keys, 0, NtpTimestamp.of(Instant.parse("2026-11-27T12:00:00Z")));
        byte[] mh = tv.in.octets();
        int at = AuthenticatorLocation.find(mh);
        AuthenticatedAddresses addresses = AuthenticatedAddresses.forBindingUpdate(tv.decoded, tv.in.addressing());
        SecurityAssociation[] views = new SecurityAssociation[rows];
        for (int i = 0; i < rows; i++) {
            views[i] = t.association(i);
        }
        long rekeyed = Long.MAX_VALUE;
        long keyed = Long.MAX_VALUE;
        int n = 200_000;
        int ok = 0;
        for (int round = 0; round < 5; round++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                ok += views[i % rows].verifies(addresses, mh, at) ? 1 : 0;
            }
            long t1 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                ok += views[0].verifies(addresses, mh, at) ? 1 : 0;
            }
            long t2 = System.nanoTime();
            rekeyed = Math.min(rekeyed, t1 - t0);
            keyed = Math.min(keyed, t2 - t1);
        }
        System.out.printf("one MAC (HMAC-SHA1 over %d octets): re-keyed %.0f ns, kept keyed %.0f ns (informal; %d "
                + "matched)%n", 32 + at + 7, rekeyed / (double) n, keyed / (double) n, ok);
    }

    private record Prepared(Inbound in, MobilityMessage decoded, Addressing answerTo) {
    }

    /** Node {@code i}'s Binding Update with timestamp {@code ntp}, signed by a key copy of its own. */
    private static Prepared exchange(MobilityHeaderCodec codec, byte[][] keys, int i, long ntp) throws Exception {
        Ipv6Address home = Ipv6Address.of(0x2001_0db8_0001_0000L, 0x0000_0001_0000_0000L + i);
        Ipv6Address careOf = Ipv6Address.of(0x2001_0db8_0002_0000L, i);
        Addressing from = new Addressing(careOf, HOME_AGENT, Optional.of(home), Optional.empty(), Optional.empty());
        BindingUpdate bu = new BindingUpdate(SequenceNumber.of(1), EnumSet.of(BindingUpdate.Flag.ACKNOWLEDGE,
                BindingUpdate.Flag.HOME_REGISTRATION), Lifetime.ofUnits(900), List.of());
        SecurityAssociation sa = new SecurityAssociation(nai(i), 256 + i, Algorithm.HMAC_SHA1, keys[i].clone());
        byte[] mh = Protection.protect(codec, bu, MobileNodeIdentifier.nai(nai(i)), ntp, sa,
                new AuthenticatedAddresses(careOf, home), from);
        MobilityMessage decoded = codec.decode(mh, from.pseudoHeaderSource(), from.pseudoHeaderDestination());
        Addressing answerTo = new Addressing(HOME_AGENT, careOf, Optional.empty(), Optional.of(home), Optional.empty());
        return new Prepared(new Inbound(mh, from, Observed.NOTHING), decoded, answerTo);
    }

    private static String nai(int i) {
        return "mn" + i + "@bench.example";
    }

    private static long usedHeap() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    /** Sends nowhere. */
    private static final class DiscardingTransport implements SignallingTransport {
        private static final CompletableFuture<Void> SENT = CompletableFuture.completedFuture(null);

        @Override
        public void start(Consumer<Inbound> receiver) {
        }

        @Override
        public CompletionStage<Void> send(byte[] octets, Addressing to) {
            return SENT;
        }

        @Override
        public void close() {
        }
    }
}
