package org.mip6kit.wire.packet;

import java.util.HexFormat;
import org.mip6kit.wire.Ipv4Address;
import org.mip6kit.wire.Ipv6Address;

/** The addresses and packets of docs/protocol-notes.md#test-vectors (TV1, TV2, TV6), byte for byte. */
final class PacketTestVectors {

    static final Ipv6Address HOA = Ipv6Address.parse("2001:db8:1::100");
    static final Ipv6Address HA = Ipv6Address.parse("2001:db8:1::1");
    static final Ipv6Address COA = Ipv6Address.parse("2001:db8:2::100");
    static final Ipv4Address V4_COA = Ipv4Address.parse("192.0.2.100");
    static final Ipv4Address V4_HA = Ipv4Address.parse("198.51.100.1");

    /** TV1 Mobility Header: BU, HL 3, checksum 0x5f7d, A|H|K, seq 1, lifetime 150, Alternate CoA. */
    static final byte[] TV1_MH = hex("3b 03 05 00 5f 7d 00 01 d0 00 00 96 01 00 03 10"
            + "20 01 0d b8 00 02 00 00 00 00 00 00 00 00 01 00");

    /** TV1 full packet, 96 octets: IPv6 CoA -> HA, Destination Options with the HAO, MH. */
    static final byte[] TV1_PACKET = hex(
            "60 00 00 00"                                           // version 6, traffic class 0, flow label 0
            + "00 38"                                               // payload length 56 = 24 + 32
            + "3c"                                                  // next header 60, Destination Options
            + "40"                                                  // hop limit 64
            + "20010db8000200000000000000000100"                    // source: CoA
            + "20010db8000100000000000000000001"                    // destination: HA
            + "87 02"                                               // DestOpt: NH 135, Hdr Ext Len 2 (24 octets)
            + "01 02 00 00"                                         // PadN, 2 data octets
            + "c9 10 20010db8000100000000000000000100"              // HAO: type 201, length 16, HoA
            + "3b0305005f7d0001d00000960100031020010db8000200000000000000000100"); // MH

    /** TV2 Mobility Header: BA, HL 1, checksum 0x5fd9, status 0, K, seq 1, lifetime 150, PadN. */
    static final byte[] TV2_MH = hex("3b 01 06 00 5f d9 00 80 00 01 00 96 01 02 00 00");

    /** TV2 full packet, 80 octets: IPv6 HA -> CoA, type 2 routing header with the HoA, MH. */
    static final byte[] TV2_PACKET = hex(
            "60000000"                                              // version 6, traffic class 0, flow label 0
            + "0028"                                                // payload length 40 = 24 + 16
            + "2b"                                                  // next header 43, Routing
            + "40"                                                  // hop limit 64
            + "20010db8000100000000000000000001"                    // source: HA
            + "20010db8000200000000000000000100"                    // destination: CoA
            + "87 02 02 01"                                         // RH2: NH 135, Hdr Ext Len 2, type 2, SL 1
            + "00000000"                                            // reserved
            + "20010db8000100000000000000000100"                    // home address
            + "3b0106005fd900800001009601020000");                  // MH

    /** TV6 Mobility Header: BU A|H|F, seq 7, IPv4 HoA option 0.0.0.0/32, IPv4 CoA option, PadN. */
    static final byte[] TV6_MH = hex("3b03050020cf0007c10000961d0680000000000020060000c000026401020000");

    /** TV6 whole frame, 124 octets: IPv4 / UDP 49152 -> 4191 / IPv6 / DestOpt(HAO) / MH. */
    static final byte[] TV6_PACKET = hex(
            "45 00"                                                 // version 4, IHL 5, TOS 0
            + "007c"                                                // total length 124
            + "0001 0000"                                           // ID 1, flags 0, fragment offset 0
            + "40 11"                                               // TTL 64, protocol 17 (UDP)
            + "8dd7"                                                // header checksum
            + "c0000264"                                            // source 192.0.2.100
            + "c6336401"                                            // destination 198.51.100.1
            + "c000 105f"                                           // UDP ports 49152 -> 4191
            + "0068 92d9"                                           // UDP length 104, checksum
            + "60000000 0038 3c 40"                                 // IPv6, payload 56, NH 60, hop limit 64
            + "00000000000000000000ffffc0000264"                    // source ::ffff:192.0.2.100
            + "20010db8000100000000000000000001"                    // destination: HA
            + "870201020000c91020010db8000100000000000000000100"    // DestOpt: NH 135, PadN4, HAO HoA
            + "3b03050020cf0007c10000961d0680000000000020060000c000026401020000"); // MH

    private PacketTestVectors() {
    }

    /** Octets from hex text; spaces are ignored. */
    static byte[] hex(String text) {
        return HexFormat.of().parseHex(text.replace(" ", ""));
    }
}
