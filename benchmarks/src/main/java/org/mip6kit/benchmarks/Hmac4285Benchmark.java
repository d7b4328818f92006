package org.mip6kit.benchmarks;

import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The cost of one RFC 4285 MN-HA authenticator as the auth-option-4285 provider computes it:
 * HMAC-SHA1 over the 84 octets of TV3 (care-of address, home address, Mobility Header up to the
 * SPI), with a {@link Mac} kept per thread and re-keyed for each message ({@link #rekeyedPerMessage}),
 * against a {@code Mac} that stays keyed for one association ({@link #keyedOnce}). Target: at most
 * 0.5 µs per MAC (docs/performance.md#targets).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class Hmac4285Benchmark {

    // TV3 (docs/protocol-notes.md#test-vectors): the HMAC input and the 16-octet key 00..0f.
    private byte[] input;
    private SecretKeySpec key;
    private Mac shared;
    private Mac keyed;
    private byte[] out;

    @Setup
    public void setUp() throws GeneralSecurityException {
        input = HexFormat.of().parseHex("20010db8000200000000000000000100" + "20010db8000100000000000000000100"
                + "3b07050000000002c00000960810016d6e31406578616d706c652e636f6d010200000a08e93c7f00800000000009110100000100");
        key = new SecretKeySpec(HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f"), "HmacSHA1");
        shared = Mac.getInstance("HmacSHA1");
        keyed = Mac.getInstance("HmacSHA1");
        keyed.init(key);
        out = new byte[20];
        byte[] check = keyed.doFinal(input);
        if (!HexFormat.of().formatHex(check, 0, 12).equals("f57e2b6cd4d20fdf260bb732")) {
            throw new IllegalStateException("TV3's authenticator does not come out: the benchmark would measure wrong work");
        }
    }

    @Benchmark
    public byte[] rekeyedPerMessage() throws GeneralSecurityException, ShortBufferException {
        shared.init(key);
        shared.update(input);
        shared.doFinal(out, 0);
        return out;
    }

    @Benchmark
    public byte[] keyedOnce() throws ShortBufferException {
        keyed.update(input);
        keyed.doFinal(out, 0);
        return out;
    }
}
