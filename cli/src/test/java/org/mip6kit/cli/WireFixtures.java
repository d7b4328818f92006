package org.mip6kit.cli;

/**
 * The test vectors of docs/protocol-reference.md#test-vectors as hex text, annotated field by field. The octets
 * are those written there (made with scapy and an independent encoder, docs/protocol-notes.md#test-vectors);
 * nothing here is computed by the code under test.
 */
final class WireFixtures {

    static final String HOA = "2001:db8:1::100";
    static final String HA = "2001:db8:1::1";
    static final String COA = "2001:db8:2::100";

    /** TV1: Binding Update CoA -> HA, A|H|K, seq 1, lifetime 150 units, Alternate CoA; checksum 0x5f7d over HoA -> HA. */
    static final String TV1_MH = String.join(" ",
            "3b",          // Payload Proto 59
            "03",          // Header Len 3: 32 octets
            "05",          // MH Type 5, Binding Update
            "00",          // Reserved
            "5f7d",        // Checksum
            "0001",        // Sequence 1
            "d000",        // A H K
            "0096",        // Lifetime 150 (600 s)
            "0100",        // PadN(2) at offset 12
            "0310",        // Alternate Care-of Address, length 16, at offset 14 (8n+6)
            "20010db8000200000000000000000100");

    /** TV1 as a whole packet (96 octets): IPv6 CoA -> HA, Destination Options with PadN(4) and the Home Address option. */
    static final String TV1_PACKET = String.join(" ",
            "60000000", "0038", "3c", "40",               // IPv6: payload 56, NH 60 (Destination Options), hop limit 64
            "20010db8000200000000000000000100",           // source: CoA
            "20010db8000100000000000000000001",           // destination: HA
            "87", "02", "01020000", "c910",               // NH 135, Hdr Ext Len 2, PadN(4), Home Address option type 201 length 16
            "20010db8000100000000000000000100",           // home address
            TV1_MH);

    /** TV2: Binding Acknowledgement HA -> CoA, status 0, K, seq 1, lifetime 150; checksum 0x5fd9 over HA -> HoA. */
    static final String TV2_MH = String.join(" ",
            "3b", "01", "06", "00",                       // Payload Proto, Header Len 1 (16 octets), MH Type 6, Reserved
            "5fd9",                                       // Checksum
            "00",                                         // Status 0, accepted
            "80",                                         // K
            "0001",                                       // Sequence 1
            "0096",                                       // Lifetime 150
            "01020000");                                  // PadN(4)

    /** TV2 as a whole packet: IPv6 HA -> CoA with a type 2 routing header holding the HoA. */
    static final String TV2_PACKET = String.join(" ",
            "60000000", "0028", "2b", "40",               // IPv6: payload 40, NH 43 (Routing), hop limit 64
            "20010db8000100000000000000000001",           // source: HA
            "20010db8000200000000000000000100",           // destination: CoA
            "87", "02", "02", "01", "00000000",           // NH 135, Hdr Ext Len 2, Routing Type 2, Segments Left 1, Reserved
            "20010db8000100000000000000000100",           // home address
            TV2_MH);

    /** TV6: DSMIPv6 Binding Update over IPv4/UDP 192.0.2.100:49152 -> 198.51.100.1:4191 (124 octets). */
    static final String TV6_FRAME = String.join(" ",
            "4500007c0001000040118dd7c0000264c6336401",   // IPv4: total length 124, UDP, 192.0.2.100 -> 198.51.100.1
            "c000105f006892d9",                           // UDP 49152 -> 4191, length 104
            "6000000000383c40",                           // inner IPv6: payload 56, NH 60
            "00000000000000000000ffffc0000264",           // source ::ffff:192.0.2.100
            "20010db8000100000000000000000001",           // destination HA
            "870201020000c910 20010db8000100000000000000000100", // Destination Options: PadN(4), HAO
            "3b03050020cf0007c1000096",                   // BU: checksum 0x20cf, seq 7, A|H|F, lifetime 150
            "1d0680000000 0000",                          // IPv4 Home Address (29) at 12: /32, 0.0.0.0
            "20060000c0000264",                           // IPv4 Care-of Address (32) at 20: 192.0.2.100
            "01020000");                                  // PadN(4)

    /** An ICMPv6 Echo Request, HoA -> HA: a packet that carries no Mobility Header. */
    static final String ICMPV6_ECHO = String.join(" ",
            "60000000", "0008", "3a", "40",               // IPv6: payload 8, NH 58 (ICMPv6)
            "20010db8000100000000000000000100",
            "20010db8000100000000000000000001",
            "8000 0000 0001 0001");                       // type 128, code 0, checksum (not checked here), id, seq

    private WireFixtures() {
    }

    /** {@code hex} with octet {@code index} replaced by {@code value}. */
    static String withOctet(String hex, int index, int value) {
        String compact = hex.replace(" ", "");
        return compact.substring(0, 2 * index) + String.format("%02x", value) + compact.substring(2 * index + 2);
    }
}
