package org.mip6kit.benchmarks.dtls;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import javax.management.ObjectName;

import org.mip6kit.engine.ExecutorScheduler;
import org.mip6kit.provider.tls.dtls.DtlsClientCredentials;
import org.mip6kit.provider.tls.dtls.DtlsServerChannel;
import org.mip6kit.provider.tls.dtls.DtlsServerCredentials;
import org.mip6kit.provider.tls.dtls.DtlsServerSettings;
import org.mip6kit.provider.tls.dtls.PskTable;

/**
 * Server heap per established DTLS association of the {@code dtls} package: a
 * {@link DtlsServerChannel} on an in-process {@link HubNetwork}, and short-lived
 * {@code DtlsClientChannel}s in the same JVM. Each client is muted and closed as soon as its
 * handshake completes (its close_notify never reaches the server), so only the server's state
 * stays reachable; the server's idle timeout is 1 h. At each target count the heap in use after
 * three {@code System.gc()} (G1: full collections) is compared with the same measurement taken
 * after warm-up with zero associations. Prints; asserts nothing.
 *
 * <pre>
 * java -Xmx6g -cp benchmarks/target/benchmarks.jar org.mip6kit.benchmarks.dtls.DtlsAssociationHeap \
 *     [--mode ecdhe-psk|ecdsa] [--targets 10000,100000] [--concurrency 16] [--histogram 25]
 * </pre>
 */
public final class DtlsAssociationHeap {

    private DtlsAssociationHeap() {
    }

    public static void main(String[] args) throws Exception {
        String mode = "ecdhe-psk";
        int[] targets = {10_000, 100_000};
        int concurrency = 16;
        int histogram = 25;
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--mode" -> mode = args[i + 1];
                case "--targets" -> targets = Arrays.stream(args[i + 1].split(",")).mapToInt(Integer::parseInt).toArray();
                case "--concurrency" -> concurrency = Integer.parseInt(args[i + 1]);
                case "--histogram" -> histogram = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        DtlsServerCredentials serverCredentials;
        DtlsClientCredentials clientCredentials;
        if (mode.equals("ecdhe-psk")) {
            byte[] key = new byte[32];
            new java.security.SecureRandom().nextBytes(key);
            serverCredentials = DtlsServerCredentials.psk(PskTable.of(Map.of("mn1@bench.example", key)));
            clientCredentials = DtlsClientCredentials.psk("mn1@bench.example", key);
        } else {
            BenchPki pki = new BenchPki();
            serverCredentials = DtlsServerCredentials.x509(pki.endEntity("ha.bench.example", null));
            clientCredentials = DtlsClientCredentials.x509(pki.endEntity("mn1", "mn1@bench.example"));
        }
        int max = Arrays.stream(targets).max().orElseThrow();
        DtlsServerSettings settings = DtlsServerSettings.builder().handshakeThreads(2).maxHandshakes(4 * concurrency)
                .maxAssociations(max + 1024).idleTimeout(Duration.ofHours(1)).build();
        ExecutorService clientPool = Executors.newFixedThreadPool(concurrency, r -> {
            Thread t = new Thread(r, "bench-dtls-client");
            t.setDaemon(true);
            return t;
        });
        InetSocketAddress serverAddress = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 4433);
        try (HubNetwork hub = new HubNetwork(); ExecutorScheduler scheduler = new ExecutorScheduler("dtls-heap", 1);
                DtlsServerChannel server = DtlsServerChannel.open(hub, serverAddress, serverCredentials, settings,
                        scheduler, Clock.systemUTC(), (a, octets) -> { })) {
            // Warm-up: these clients close normally, so the server forgets them.
            establish(hub, server, clientCredentials, clientPool, concurrency, 500, false);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (server.counters().associations() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            long empty = usedAfterGc();
            System.out.printf("HEAP associations=0 used=%d B (after warm-up, %s)%n", empty, server.counters());
            long previousUsed = empty;
            int previousCount = 0;
            for (int target : targets) {
                long t0 = System.nanoTime();
                establish(hub, server, clientCredentials, clientPool, concurrency, target - previousCount, true);
                double seconds = (System.nanoTime() - t0) / 1e9;
                int held = server.counters().associations();
                long used = usedAfterGc();
                System.out.printf("HEAP mode=%s associations=%d used=%d B perAssociation=%.0f B "
                        + "slopeSincePrevious=%.0f B (%d handshakes in %.1f s) %s%n", mode, held, used,
                        (used - empty) / (double) held, (used - previousUsed) / (double) (held - previousCount),
                        target - previousCount, seconds, server.counters());
                previousUsed = used;
                previousCount = held;
            }
            if (histogram > 0) {
                String h = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                        new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                        new Object[] {null}, new String[] {String[].class.getName()});
                h.lines().limit(histogram + 3).forEach(l -> System.out.println("HISTO " + l));
            }
        } finally {
            clientPool.shutdownNow();
        }
    }

    /** Runs {@code n} handshakes, at most {@code concurrency} at once; {@code mute}: drop the client's close_notify. */
    private static void establish(HubNetwork hub, DtlsServerChannel server, DtlsClientCredentials credentials,
            ExecutorService pool, int concurrency, int n, boolean mute) throws InterruptedException {
        Semaphore slots = new Semaphore(concurrency);
        AtomicLong failures = new AtomicLong();
        for (int i = 0; i < n; i++) {
            slots.acquire();
            org.mip6kit.provider.tls.dtls.DtlsClientChannel.connect(hub, new InetSocketAddress(server.localAddress().getAddress(), 0),
                    server.localAddress(), credentials, Duration.ofSeconds(60), true, Clock.systemUTC(), pool, octets -> { })
                    .whenComplete((c, e) -> {
                        if (e != null) {
                            failures.incrementAndGet();
                            if (failures.get() < 5) {
                                System.out.println("handshake failed: " + e);
                            }
                        } else {
                            if (mute) {
                                hub.mute(c.localAddress());
                            }
                            c.close();
                        }
                        slots.release();
                    });
        }
        slots.acquire(concurrency);
        slots.release(concurrency);
        // The server completes after its client: wait for its handshakes to finish.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (server.counters().handshakesStarted() > server.counters().handshakesCompleted()
                + server.counters().handshakesFailed() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        if (failures.get() > 0) {
            System.out.println("FAILURES " + failures.get());
        }
    }

    private static long usedAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
