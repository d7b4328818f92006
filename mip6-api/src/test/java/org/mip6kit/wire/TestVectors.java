package org.mip6kit.wire;

import java.util.HexFormat;

/** Addresses and octets of the test vectors in docs/protocol-notes.md#test-vectors. */
final class TestVectors {

    static final Ipv6Address HOA = Ipv6Address.parse("2001:db8:1::100");
    static final Ipv6Address HA = Ipv6Address.parse("2001:db8:1::1");
    static final Ipv6Address COA = Ipv6Address.parse("2001:db8:2::100");
    static final Ipv6Address CN = Ipv6Address.parse("2001:db8:3::1");

    private TestVectors() {
    }

    /** Hex with spaces, newlines and '|' allowed between octets. */
    static byte[] hex(String text) {
        return HexFormat.of().parseHex(text.replaceAll("[\\s|]", ""));
    }
}
