package org.mip6kit.wire.pcap;

import java.util.Optional;

/**
 * The link-layer header types ({@code LINKTYPE_*} of the tcpdump.org registry) that
 * {@link PcapReader} can remove to reach the IP packet. {@link PcapWriter} always writes
 * {@link #RAW}.
 */
public enum PcapLinkType {
    /** {@code LINKTYPE_ETHERNET}: a 14-octet Ethernet II header (18 with one 802.1Q tag). */
    ETHERNET(1),
    /** {@code LINKTYPE_RAW}: no link-layer header; IPv4 or IPv6 by the version nibble. */
    RAW(101),
    /** {@code LINKTYPE_LINUX_SLL}: the 16-octet Linux "cooked" header of {@code tcpdump -i any}. */
    LINUX_SLL(113),
    /** {@code LINKTYPE_IPV4}: no link-layer header, IPv4 only. */
    IPV4(228),
    /** {@code LINKTYPE_IPV6}: no link-layer header, IPv6 only. */
    IPV6(229);

    private final int code;

    PcapLinkType(int code) {
        this.code = code;
    }

    /** The value in the pcap file header's link-type field. */
    public int code() {
        return code;
    }

    /** The type with this registry value, or empty if this reader does not support it. */
    public static Optional<PcapLinkType> fromCode(int code) {
        for (PcapLinkType t : values()) {
            if (t.code == code) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return name() + "(" + code + ")";
    }
}
