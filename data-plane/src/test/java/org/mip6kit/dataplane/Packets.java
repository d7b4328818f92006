package org.mip6kit.dataplane;

import java.util.HexFormat;

import org.mip6kit.wire.Ipv6Address;

/** Test packets: an IPv6 header in front of a payload, each field as the test names it. */
final class Packets {

    static final Ipv6Address HA = Ipv6Address.parse("2001:db8:10::1");
    static final Ipv6Address HOA = Ipv6Address.parse("2001:db8:1::100");
    static final Ipv6Address HOA2 = Ipv6Address.parse("2001:db8:1::200");
    static final Ipv6Address COA = Ipv6Address.parse("2001:db8:2::100");
    static final Ipv6Address COA2 = Ipv6Address.parse("2001:db8:3::100");
    static final Ipv6Address CN = Ipv6Address.parse("2001:db8:5::5");
    static final Ipv6Address STRANGER = Ipv6Address.parse("2001:db8:4::66");

    private Packets() {
    }

    /** An IPv6 packet: version 6, traffic class 0, flow label 0, next header 59 (none) unless ICMPv6. */
    static byte[] ipv6(Ipv6Address source, Ipv6Address destination, int nextHeader, int hopLimit, int payloadLength) {
        byte[] p = new byte[40 + payloadLength];
        p[0] = 0x60;
        p[4] = (byte) (payloadLength >>> 8);
        p[5] = (byte) payloadLength;
        p[6] = (byte) nextHeader;
        p[7] = (byte) hopLimit;
        source.writeTo(p, 8);
        destination.writeTo(p, 24);
        for (int i = 40; i < p.length; i++) {
            p[i] = (byte) i;
        }
        return p;
    }

    static byte[] ipv6(Ipv6Address source, Ipv6Address destination, int payloadLength) {
        return ipv6(source, destination, 59, 64, payloadLength);
    }

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }
}
