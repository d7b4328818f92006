package org.mip6kit.provider.auth4285;

import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

import org.mip6kit.wire.Ipv6Address;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One RFC 4285 MN-HA authenticator through the provider's own {@link SecurityAssociation}
 * (package-private, hence this benchmark's package), on TV3 (docs/protocol-notes.md#test-vectors): verifying the
 * 64-octet Binding Update's authenticator at offset 45.
 *
 * <ul>
 * <li>{@link #verifySameAssociation}: the thread's {@code Mac} stays keyed, as when a home agent
 *     verifies a Binding Update and signs its acknowledgement with the same association.</li>
 * <li>{@link #verifyAlternatingAssociations}: two associations of one table take turns, so every
 *     MAC re-keys the thread's {@code Mac} first, as for a stream of Binding Updates from
 *     different mobile nodes.</li>
 * </ul>
 * Target (docs/performance.md#targets): at most 0.5 µs per MAC. Setup refuses to run unless TV3 verifies under both
 * associations and fails under a wrong care-of address.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ProviderMacBenchmark {

    private static final HexFormat HEX = HexFormat.of();

    private byte[] tv3;
    private AuthenticatedAddresses addresses;
    private SecurityAssociation first;
    private SecurityAssociation second;
    private boolean turn;

    @Setup
    public void setUp() throws org.mip6kit.spi.ProviderConfigException {
        tv3 = HEX.parseHex("3b07050011db0002c0000096" + "0810016d6e31406578616d706c652e636f6d" + "01020000"
                + "0a08e93c7f0080000000" + "00" + "091101" + "00000100" + "f57e2b6cd4d20fdf260bb732");
        addresses = new AuthenticatedAddresses(Ipv6Address.parse("2001:db8:2::100"), Ipv6Address.parse("2001:db8:1::100"));
        byte[] key = HEX.parseHex("000102030405060708090a0b0c0d0e0f");
        // Two rows with the same key, so both verify TV3, and different SPIs, so they are two associations.
        KeyTable table = KeyTable.of("mn1@example.com", 256, Algorithm.HMAC_SHA1, key.clone())
                .plus(KeyTable.of("mn1@example.com", 257, Algorithm.HMAC_SHA1, key.clone()),
                        org.mip6kit.spi.ConfigSection.of("bench", null, java.util.Map.of()), "keys");
        first = table.bySpi(256).orElseThrow();
        second = table.bySpi(257).orElseThrow();
        AuthenticatedAddresses wrong = new AuthenticatedAddresses(Ipv6Address.parse("2001:db8:2::101"),
                addresses.homeAddress());
        if (!first.verifies(addresses, tv3, 45) || !second.verifies(addresses, tv3, 45)
                || first.verifies(wrong, tv3, 45)) {
            throw new IllegalStateException("TV3 does not verify as it should: the benchmark would measure wrong work");
        }
    }

    @Benchmark
    public boolean verifySameAssociation() {
        return first.verifies(addresses, tv3, 45);
    }

    @Benchmark
    public boolean verifyAlternatingAssociations() {
        turn = !turn;
        return (turn ? first : second).verifies(addresses, tv3, 45);
    }
}
