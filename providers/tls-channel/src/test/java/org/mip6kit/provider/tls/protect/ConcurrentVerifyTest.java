package org.mip6kit.provider.tls.protect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Several threads verifying copies of one datagram at the same moment: the window is checked
 * before the ICV by all of them, but only one may record the sequence number (RFC 4303 §3.4.3).
 */
@Tag("medium")
class ConcurrentVerifyTest {

    @Test
    void ofThreadsVerifyingTheSameSequenceExactlyOneIsAccepted() throws Exception {
        int threads = 8;
        PacketProtection p = Fixtures.protection(Suite.AES_128_CBC_SHA);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int round = 0; round < 200; round++) {
                ReplayWindow window = new ReplayWindow();
                byte[] datagram = p.protectMobilityHeader(Direction.MN_TO_HA, round, Fixtures.BINDING_UPDATE);
                CyclicBarrier start = new CyclicBarrier(threads);
                List<Future<Verification>> results = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    results.add(pool.submit(() -> {
                        start.await(10, TimeUnit.SECONDS);
                        return p.verify(Direction.MN_TO_HA, datagram.clone(), window);
                    }));
                }
                int accepted = 0;
                for (Future<Verification> f : results) {
                    Verification v = f.get(10, TimeUnit.SECONDS);
                    if (v.accepted()) {
                        accepted++;
                        assertThat(v.packet().payload()).isEqualTo(Fixtures.BINDING_UPDATE);
                    } else {
                        assertThat(v.failure()).isEqualTo(VerifyFailure.REPLAYED);
                    }
                }
                assertThat(accepted).as("round " + round).isEqualTo(1);
            }
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void threadsProtectingAndVerifyingDistinctSequencesAllSucceed() throws Exception {
        PacketProtection p = Fixtures.protection(Suite.AES_128_CBC_SHA);
        OutboundSequence sequence = new OutboundSequence();
        ReplayWindow window = new ReplayWindow(1024);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                results.add(pool.submit(() -> {
                    int ok = 0;
                    for (int i = 0; i < 200; i++) {
                        byte[] d = p.protectMobilityHeader(Direction.HA_TO_MN, sequence.next(), Fixtures.BINDING_UPDATE);
                        Verification v = p.verify(Direction.HA_TO_MN, d, window);
                        if (v.accepted() && java.util.Arrays.equals(v.packet().payload(), Fixtures.BINDING_UPDATE)) {
                            ok++;
                        }
                    }
                    return ok;
                }));
            }
            int total = 0;
            for (Future<Integer> f : results) {
                total += f.get(30, TimeUnit.SECONDS);
            }
            // Threads may fall behind by more than the window only if one stalls for 1024 packets;
            // with 800 packets in all that cannot happen, so every packet is accepted.
            assertThat(total).isEqualTo(800);
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }
}
