package org.mip6kit.benchmarks.auth4285;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.mip6kit.spi.ConfigSection;
import org.mip6kit.wire.Ipv6Address;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One RFC 4285 MN-HA authenticator through the provider's own {@code SecurityAssociation}, on TV3
 * (docs/protocol-notes.md#test-vectors): verifying the 64-octet Binding Update's authenticator at
 * offset 45.
 *
 * <ul>
 * <li>{@link #verifySameAssociation}: the thread's {@code Mac} stays keyed, as when a home agent
 *     verifies a Binding Update and signs its acknowledgement with the same association.</li>
 * <li>{@link #verifyAlternatingAssociations}: two associations of one table take turns, so every
 *     MAC re-keys the thread's {@code Mac} first, as for a stream of Binding Updates from
 *     different mobile nodes.</li>
 * </ul>
 *
 * <p>The classes measured are package-private in {@code org.mip6kit.provider.auth4285}. This
 * benchmark stays in a package of its own (a class of the provider's package in another jar would
 * split the package, and the provider's jar could not be a module), and reaches them through
 * method handles looked up once, in static finals: the JIT treats those as constants and inlines
 * the call, so the measured work is the same as a direct call. A renamed method fails the class
 * initialisation, and the set-up below refuses to run unless TV3 verifies under both associations
 * and fails under a wrong care-of address.
 *
 * <p>Target (docs/performance.md#targets): at most 0.5 µs per MAC.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ProviderMacBenchmark {

    private static final HexFormat HEX = HexFormat.of();
    private static final String PROVIDER_PACKAGE = "org.mip6kit.provider.auth4285.";

    /** {@code SecurityAssociation.verifies(AuthenticatedAddresses, byte[], int)}, as (Object, Object, byte[], int)boolean. */
    private static final MethodHandle VERIFIES;
    /** {@code new AuthenticatedAddresses(Ipv6Address careOf, Ipv6Address homeAddress)}. */
    private static final MethodHandle ADDRESSES;
    /** {@code KeyTable.of(String nai, long spi, Algorithm algorithm, byte[] key)}. */
    private static final MethodHandle TABLE_OF;
    /** {@code KeyTable.plus(KeyTable other, ConfigSection config, String key)}. */
    private static final MethodHandle TABLE_PLUS;
    /** {@code KeyTable.bySpi(long)}, an {@code Optional<SecurityAssociation>}. */
    private static final MethodHandle BY_SPI;
    /** {@code Algorithm.HMAC_SHA1}. */
    private static final Object HMAC_SHA1;

    static {
        try {
            Class<?> association = Class.forName(PROVIDER_PACKAGE + "SecurityAssociation");
            Class<?> addresses = Class.forName(PROVIDER_PACKAGE + "AuthenticatedAddresses");
            Class<?> table = Class.forName(PROVIDER_PACKAGE + "KeyTable");
            Class<?> algorithm = Class.forName(PROVIDER_PACKAGE + "Algorithm");
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(association, MethodHandles.lookup());
            VERIFIES = lookup.findVirtual(association, "verifies",
                            MethodType.methodType(boolean.class, addresses, byte[].class, int.class))
                    .asType(MethodType.methodType(boolean.class, Object.class, Object.class, byte[].class, int.class));
            ADDRESSES = lookup.findConstructor(addresses,
                    MethodType.methodType(void.class, Ipv6Address.class, Ipv6Address.class));
            TABLE_OF = lookup.findStatic(table, "of",
                    MethodType.methodType(table, String.class, long.class, algorithm, byte[].class));
            TABLE_PLUS = lookup.findVirtual(table, "plus",
                    MethodType.methodType(table, table, ConfigSection.class, String.class));
            BY_SPI = lookup.findVirtual(table, "bySpi", MethodType.methodType(java.util.Optional.class, long.class));
            HMAC_SHA1 = Enum.valueOf(algorithm.asSubclass(Enum.class), "HMAC_SHA1");
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private byte[] tv3;
    private Object addresses;
    private Object first;
    private Object second;
    private boolean turn;

    @Setup
    public void setUp() throws Throwable {
        tv3 = HEX.parseHex("3b07050011db0002c0000096" + "0810016d6e31406578616d706c652e636f6d" + "01020000"
                + "0a08e93c7f0080000000" + "00" + "091101" + "00000100" + "f57e2b6cd4d20fdf260bb732");
        addresses = ADDRESSES.invoke(Ipv6Address.parse("2001:db8:2::100"), Ipv6Address.parse("2001:db8:1::100"));
        byte[] key = HEX.parseHex("000102030405060708090a0b0c0d0e0f");
        // Two rows with the same key, so both verify TV3, and different SPIs, so they are two associations.
        Object table = TABLE_PLUS.invoke(TABLE_OF.invoke("mn1@example.com", 256L, HMAC_SHA1, key.clone()),
                TABLE_OF.invoke("mn1@example.com", 257L, HMAC_SHA1, key.clone()),
                ConfigSection.of("bench", null, Map.of()), "keys");
        first = ((java.util.Optional<?>) BY_SPI.invoke(table, 256L)).orElseThrow();
        second = ((java.util.Optional<?>) BY_SPI.invoke(table, 257L)).orElseThrow();
        Object wrong = ADDRESSES.invoke(Ipv6Address.parse("2001:db8:2::101"), Ipv6Address.parse("2001:db8:1::100"));
        if (!verifies(first, addresses) || !verifies(second, addresses) || verifies(first, wrong)) {
            throw new IllegalStateException("TV3 does not verify as it should: the benchmark would measure wrong work");
        }
    }

    private boolean verifies(Object association, Object by) throws Throwable {
        return (boolean) VERIFIES.invokeExact(association, by, tv3, 45);
    }

    @Benchmark
    public boolean verifySameAssociation() throws Throwable {
        return (boolean) VERIFIES.invokeExact(first, addresses, tv3, 45);
    }

    @Benchmark
    public boolean verifyAlternatingAssociations() throws Throwable {
        turn = !turn;
        return (boolean) VERIFIES.invokeExact(turn ? first : second, addresses, tv3, 45);
    }
}
