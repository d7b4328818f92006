package org.mip6kit.benchmarks.dtls;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.mip6kit.engine.ExecutorScheduler;
import org.mip6kit.provider.tls.dtls.DtlsClientChannel;
import org.mip6kit.provider.tls.dtls.DtlsClientCredentials;
import org.mip6kit.provider.tls.dtls.DtlsServerChannel;
import org.mip6kit.provider.tls.dtls.DtlsServerCredentials;
import org.mip6kit.provider.tls.dtls.DtlsServerSettings;
import org.mip6kit.provider.tls.dtls.PskTable;
import org.mip6kit.transport.SocketProviderNetwork;

/**
 * Cost of one DTLS 1.2 handshake of the {@code dtls} package over real loopback UDP sockets
 * ({@link SocketProviderNetwork}), one handshake at a time, client and server in this JVM:
 * the server's CPU per handshake (thread CPU of its handshake pool plus its endpoint's receive
 * thread, which answers the ClientHello with the stateless cookie), the client's CPU, and the
 * datagrams and UDP payload octets each side sent, counted at the endpoints. Associations stay
 * open during a batch (no close_notify is counted); they are closed between batches. A benchmark
 * program, not a test: it prints and asserts nothing.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar org.mip6kit.benchmarks.dtls.DtlsHandshakeCost \
 *     [--modes ecdhe-psk,ecdsa] [--warmup 300] [--batches 5] [--handshakes 300]
 * </pre>
 */
public final class DtlsHandshakeCost {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private DtlsHandshakeCost() {
    }

    public static void main(String[] args) throws Exception {
        List<String> modes = List.of("ecdhe-psk", "ecdsa");
        int warmup = 300;
        int batches = 5;
        int handshakes = 300;
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--modes" -> modes = Arrays.asList(args[i + 1].split(","));
                case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
                case "--batches" -> batches = Integer.parseInt(args[i + 1]);
                case "--handshakes" -> handshakes = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        THREADS.setThreadCpuTimeEnabled(true);
        for (String mode : modes) {
            run(mode, warmup, batches, handshakes);
        }
    }

    private static void run(String mode, int warmup, int batches, int handshakes) throws Exception {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        DtlsServerCredentials serverCredentials;
        DtlsClientCredentials clientCredentials;
        if (mode.equals("ecdhe-psk")) {
            byte[] key = new byte[32];
            new java.security.SecureRandom().nextBytes(key);
            serverCredentials = DtlsServerCredentials.psk(PskTable.of(Map.of("mn1@bench.example", key)));
            clientCredentials = DtlsClientCredentials.psk("mn1@bench.example", key);
        } else if (mode.equals("ecdsa")) {
            BenchPki pki = new BenchPki();
            serverCredentials = DtlsServerCredentials.x509(pki.endEntity("ha.bench.example", null));
            clientCredentials = DtlsClientCredentials.x509(pki.endEntity("mn1", "mn1@bench.example"));
        } else {
            throw new IllegalArgumentException("mode: ecdhe-psk or ecdsa, not " + mode);
        }
        DtlsServerSettings settings = DtlsServerSettings.builder().handshakeThreads(1)
                .maxAssociations(Math.max(1024, 2 * Math.max(warmup, handshakes))).idleTimeout(Duration.ofHours(1)).build();
        try (SocketProviderNetwork sockets = new SocketProviderNetwork();
                ExecutorScheduler scheduler = new ExecutorScheduler("dtls-bench", 1)) {
            CountingNetwork serverNet = new CountingNetwork(sockets);
            CountingNetwork clientNet = new CountingNetwork(sockets);
            ExecutorService clientPool = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "bench-dtls-client");
                t.setDaemon(true);
                return t;
            });
            try (DtlsServerChannel server = DtlsServerChannel.open(serverNet, new InetSocketAddress(loopback, 0),
                    serverCredentials, settings, scheduler, Clock.systemUTC(), (a, octets) -> { })) {
                String receiveThread = "mip6-provider-udp-" + server.localAddress();
                Predicate<String> serverThreads = n -> n.startsWith("mip6-dtls-handshake-") || n.equals(receiveThread);
                // One traced handshake: the flights as the server saw them.
                List<String> trace = Collections.synchronizedList(new ArrayList<>());
                serverNet.trace(trace::add);
                batch(server, clientNet, clientCredentials, clientPool, 1);
                serverNet.trace(null);
                closeAll(server);
                System.out.printf("TRACE %s server endpoint (out = to the client): %s%n", mode, trace);
                batch(server, clientNet, clientCredentials, clientPool, warmup);
                closeAll(server);
                for (int b = 0; b < batches; b++) {
                    long serverCpu0 = cpu(serverThreads);
                    long clientCpu0 = cpu(n -> n.equals("bench-dtls-client") || n.startsWith("mip6-provider-udp-/127.0.0.1")
                            && !n.equals(receiveThread));
                    long processCpu0 = processCpu();
                    CountingNetwork.Counts s0 = serverNet.counts();
                    CountingNetwork.Counts c0 = clientNet.counts();
                    long t0 = System.nanoTime();
                    long failures = batch(server, clientNet, clientCredentials, clientPool, handshakes);
                    long wall = System.nanoTime() - t0;
                    CountingNetwork.Counts s = serverNet.counts().minus(s0);
                    CountingNetwork.Counts c = clientNet.counts().minus(c0);
                    long serverCpu = cpu(serverThreads) - serverCpu0;
                    long clientCpu = cpu(n -> n.equals("bench-dtls-client") || n.startsWith("mip6-provider-udp-/127.0.0.1")
                            && !n.equals(receiveThread)) - clientCpu0;
                    long processCpu = processCpu() - processCpu0;
                    closeAll(server);
                    double n = handshakes;
                    System.out.printf("HANDSHAKE mode=%s batch=%d n=%d failures=%d wallPerHs=%.3fms serverCpuPerHs=%.3fms "
                            + "clientCpuPerHs=%.3fms processCpuPerHs=%.3fms "
                            + "toServer=%.2f dgrams/%.1f B fromServer=%.2f dgrams/%.1f B "
                            + "clientSent=%.2f/%.1f B clientReceived=%.2f/%.1f B%n",
                            mode, b, handshakes, failures, wall / n / 1e6, serverCpu / n / 1e6, clientCpu / n / 1e6,
                            processCpu / n / 1e6, s.receivedDatagrams() / n, s.receivedOctets() / n,
                            s.sentDatagrams() / n, s.sentOctets() / n, c.sentDatagrams() / n, c.sentOctets() / n,
                            c.receivedDatagrams() / n, c.receivedOctets() / n);
                }
                System.out.printf("COUNTERS %s %s%n", mode, server.counters());
            } finally {
                clientPool.shutdownNow();
                clientPool.awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    /** Runs {@code n} handshakes one after the other, then closes the clients; returns the failures. */
    private static long batch(DtlsServerChannel server, CountingNetwork clientNet, DtlsClientCredentials credentials,
            ExecutorService pool, int n) throws InterruptedException {
        long completedBefore = server.counters().handshakesCompleted();
        List<DtlsClientChannel> open = new ArrayList<>(n);
        long failures = 0;
        for (int i = 0; i < n; i++) {
            try {
                open.add(DtlsClientChannel.connect(clientNet, new InetSocketAddress(server.localAddress().getAddress(), 0),
                        server.localAddress(), credentials, Duration.ofSeconds(30), true, Clock.systemUTC(), pool,
                        octets -> { }).toCompletableFuture().join());
            } catch (RuntimeException e) {
                failures++;
                System.out.println("handshake failed: " + e);
            }
            // The server finishes after the client (it reads the client's Finished first): wait for it.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (server.counters().handshakesCompleted() - completedBefore < open.size()
                    && System.nanoTime() < deadline) {
                java.util.concurrent.locks.LockSupport.parkNanos(50_000);
            }
        }
        // Let the server's last handshake thread finish its bookkeeping before the counters are read.
        Thread.sleep(20);
        OPEN.addAll(open);
        return failures;
    }

    private static final List<DtlsClientChannel> OPEN = new ArrayList<>();

    /** Closes the clients and waits until the server has processed their close_notify alerts. */
    private static void closeAll(DtlsServerChannel server) throws InterruptedException {
        for (DtlsClientChannel c : OPEN) {
            c.close();
        }
        OPEN.clear();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (server.counters().associations() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        Thread.sleep(100);
    }

    private static long cpu(Predicate<String> names) {
        long sum = 0;
        for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (info != null && names.test(info.getThreadName())) {
                long t = THREADS.getThreadCpuTime(info.getThreadId());
                if (t > 0) {
                    sum += t;
                }
            }
        }
        return sum;
    }

    private static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
