package org.mip6kit.benchmarks;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

import org.mip6kit.provider.tls.protect.Direction;
import org.mip6kit.provider.tls.protect.DirectionKeys;
import org.mip6kit.provider.tls.protect.PacketProtection;
import org.mip6kit.provider.tls.protect.ReplayWindow;
import org.mip6kit.provider.tls.protect.SecurityAssociation;
import org.mip6kit.provider.tls.protect.Suite;
import org.mip6kit.provider.tls.protect.Verification;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The cost of RFC 6618 §6 packet protection for one Binding Update-sized Mobility Header (40
 * octets) per suite: {@link #protect} (padding, random IV and encryption for the CBC suites,
 * HMAC-SHA1-96) and {@link #verify} (header checks, replay window check, ICV in constant time,
 * window update, decryption, padding check). {@code verify} checks a datagram protected in setup
 * against a fresh sequence number each time: a window is re-created whenever the sequence
 * numbers would run out, so every call does the whole accepting path.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class Rfc6618ProtectionBenchmark {

    @Param({"NULL_SHA", "AES_128_CBC_SHA"})
    public String suite;

    // Binding Update with A, H, K, lifetime 150, a PadN and an Alternate Care-of Address: 40 octets.
    private static final byte[] BINDING_UPDATE = HexFormat.of().parseHex(
            "3b04050000000007b00000960104000000000312" + "20010db8000200000000000000000100" + "01020000");

    private PacketProtection protection;
    private byte[][] datagrams;
    private int next;
    private ReplayWindow window;
    private long sequence;

    @Setup
    public void setUp() {
        Suite s = Suite.parse(suite);
        SecureRandom random = new SecureRandom();
        byte[] k1 = new byte[20];
        byte[] k2 = new byte[20];
        byte[] e1 = new byte[s.encryptionKeyLength()];
        byte[] e2 = new byte[s.encryptionKeyLength()];
        random.nextBytes(k1);
        random.nextBytes(k2);
        random.nextBytes(e1);
        random.nextBytes(e2);
        Instant now = Instant.parse("2026-12-01T10:00:00Z");
        protection = new PacketProtection(new SecurityAssociation(4711, s, new DirectionKeys(k1, e1),
                new DirectionKeys(k2, e2), now.plusSeconds(86_400)), random, Clock.fixed(now, ZoneOffset.UTC));
        // One datagram per window slot, so verify always sees a new sequence number in order.
        datagrams = new byte[1 << 16][];
        for (int i = 0; i < datagrams.length; i++) {
            datagrams[i] = protection.protectMobilityHeader(Direction.MN_TO_HA, i, BINDING_UPDATE);
        }
        window = new ReplayWindow();
        if (!protection.verify(Direction.MN_TO_HA, datagrams[0], new ReplayWindow()).accepted()) {
            throw new IllegalStateException("set-up datagram does not verify: the benchmark would measure refusals");
        }
    }

    @Benchmark
    public byte[] protect() {
        return protection.protectMobilityHeader(Direction.MN_TO_HA, sequence++ & 0xFFFF_FFFFL, BINDING_UPDATE);
    }

    @Benchmark
    public Verification verify() {
        if (next == datagrams.length) {
            next = 0;
            window = new ReplayWindow();
        }
        Verification v = protection.verify(Direction.MN_TO_HA, datagrams[next++], window);
        if (!v.accepted()) {
            throw new IllegalStateException("refused: " + v.failure());
        }
        return v;
    }
}
