package org.mip6kit.wire.packet;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import org.mip6kit.wire.HomeAddressOption;
import org.mip6kit.wire.InternetChecksum;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Type2RoutingHeader;

/**
 * A whole IP packet around one Mobility Header message, as a value: the IPv6 header's
 * addresses, the optional Home Address destination option (RFC 6275 §6.3) and type 2 routing
 * header (§6.4), the optional RFC 5555 UDP encapsulation, and the Mobility Header octets.
 *
 * <p>{@link #toBytes()} lays the packet out as Linux and the test vectors of docs/protocol-notes.md#test-vectors do:
 * <pre>
 *  [ IPv4 (IHL 5, TOS 0, ID 1, flags 0, TTL 64, proto 17, header checksum)      only with UDP
 *    or IPv6 (NH 17, hop limit 64: project extension) ]                           encapsulation,
 *  [ UDP (ports, length, checksum over the outer pseudo-header) ]                 see UdpEncapsulation
 *  IPv6 header: version 6, traffic class 0, flow label 0, hop limit 64
 *  [ type 2 routing header, NH 43, 24 octets ]                       only with an RH2 address
 *  [ Destination Options header, NH 60: PadN(4) + Home Address option, 24 octets ]  only with a HAO
 *  Mobility Header (NH 135): the octets given, unchanged
 * </pre>
 *
 * <p>The Mobility Header octets are carried as given: this class neither checks nor computes
 * their checksum. The codec computes it over the pseudo-header addresses
 * {@link #pseudoHeaderSource()} and {@link #pseudoHeaderDestination()}. Byte arrays are copied
 * in and out, so instances are immutable and safe to share between threads.
 */
public final class MobilityPacket {

    /** The UDP port a DSMIPv6 home agent listens on ("dsmipv6", RFC 5555, IANA). */
    public static final int DSMIPV6_UDP_PORT = 4191;
    /** IPv6 Next Header value of the Mobility Header (RFC 6275 §6.1). */
    public static final int MOBILITY_HEADER_NEXT_HEADER = 135;
    /** Hop limit of the IPv6 headers and TTL of the IPv4 header that {@link #toBytes()} writes. */
    public static final int HOP_LIMIT = 64;

    static final int IPV6_HEADER_LENGTH = 40;
    static final int IPV4_HEADER_LENGTH = 20;
    static final int UDP_HEADER_LENGTH = 8;
    private static final int MAX_IP_LENGTH = 0xFFFF;

    private final Ipv6Address source;
    private final Ipv6Address destination;
    private final Optional<Ipv6Address> homeAddressOption;
    private final Optional<Ipv6Address> type2RoutingHeader;
    private final Optional<UdpEncapsulation> udpEncapsulation;
    /** Holds the Mobility Header at {@code mhOffset}: the packet's own array, or a parsed-in-place buffer. */
    private final byte[] mobilityHeader;
    private final int mhOffset;
    private final int mhLength;

    /**
     * @param source             the IPv6 header's source (the care-of address when a Home Address
     *                           option is present)
     * @param destination        the IPv6 header's destination (the care-of address when a type 2
     *                           routing header is present)
     * @param homeAddressOption  the address in the Home Address option, if the packet carries one
     * @param type2RoutingHeader the home address in the type 2 routing header, if the packet carries one
     * @param udpEncapsulation   the outer headers, if the packet travels in UDP (RFC 5555)
     * @param mobilityHeader     the Mobility Header message, at least one octet; copied
     * @throws NullPointerException if any argument is null
     * @throws IllegalArgumentException if the Mobility Header is empty, or the packet would not
     *         fit the 16-bit length fields of its headers
     */
    public MobilityPacket(Ipv6Address source, Ipv6Address destination, Optional<Ipv6Address> homeAddressOption,
                          Optional<Ipv6Address> type2RoutingHeader, Optional<UdpEncapsulation> udpEncapsulation,
                          byte[] mobilityHeader) {
        this(source, destination, homeAddressOption, type2RoutingHeader, udpEncapsulation,
                Objects.requireNonNull(mobilityHeader, "mobilityHeader").clone(), 0, mobilityHeader.length);
    }

    /**
     * As the public constructor, keeping {@code octets} and reading the Mobility Header from its
     * {@code mhLength} octets at {@code mhOffset}: the parser's fresh array, written by nobody
     * else, or the caller's buffer for {@link MobilityPacketParser#parseInPlace}.
     */
    MobilityPacket(Ipv6Address source, Ipv6Address destination, Optional<Ipv6Address> homeAddressOption,
                   Optional<Ipv6Address> type2RoutingHeader, Optional<UdpEncapsulation> udpEncapsulation,
                   byte[] octets, int mhOffset, int mhLength) {
        this.source = Objects.requireNonNull(source, "source");
        this.destination = Objects.requireNonNull(destination, "destination");
        this.homeAddressOption = Objects.requireNonNull(homeAddressOption, "homeAddressOption");
        this.type2RoutingHeader = Objects.requireNonNull(type2RoutingHeader, "type2RoutingHeader");
        this.udpEncapsulation = Objects.requireNonNull(udpEncapsulation, "udpEncapsulation");
        this.mobilityHeader = octets;
        this.mhOffset = mhOffset;
        this.mhLength = mhLength;
        if (mhLength == 0) {
            throw new IllegalArgumentException("a Mobility Header has at least one octet");
        }
        // The largest 16-bit length field: the inner IPv6 Payload Length, else the UDP Length
        // (also the outer IPv6 Payload Length), else the outer IPv4 Total Length.
        long largestLengthField = (long) mhLength + extensionHeadersLength();
        if (udpEncapsulation.isPresent()) {
            largestLengthField += IPV6_HEADER_LENGTH + UDP_HEADER_LENGTH;
            if (udpEncapsulation.get() instanceof UdpEncapsulation.OverIpv4) {
                largestLengthField += IPV4_HEADER_LENGTH;
            }
        }
        if (largestLengthField > MAX_IP_LENGTH) {
            throw new IllegalArgumentException("a Mobility Header of " + mhLength
                    + " octets makes a packet too long for its 16-bit length fields");
        }
    }

    /**
     * A packet with no extension headers and no UDP encapsulation; add them with the
     * {@code with...} methods.
     *
     * @throws NullPointerException if any argument is null
     * @throws IllegalArgumentException if {@code mobilityHeader} is empty or longer than an
     *         IPv6 payload can be
     */
    public static MobilityPacket of(Ipv6Address source, Ipv6Address destination, byte[] mobilityHeader) {
        return new MobilityPacket(source, destination, Optional.empty(), Optional.empty(), Optional.empty(),
                mobilityHeader);
    }

    /** This packet with a Home Address option holding {@code homeAddress} (a BU from the care-of address). */
    public MobilityPacket withHomeAddressOption(Ipv6Address homeAddress) {
        return new MobilityPacket(source, destination, Optional.of(homeAddress), type2RoutingHeader,
                udpEncapsulation, mobilityHeader(), 0, mhLength);
    }

    /** This packet with a type 2 routing header holding {@code homeAddress} (a BA to the care-of address). */
    public MobilityPacket withType2RoutingHeader(Ipv6Address homeAddress) {
        return new MobilityPacket(source, destination, homeAddressOption, Optional.of(homeAddress),
                udpEncapsulation, mobilityHeader(), 0, mhLength);
    }

    /** This packet inside the given UDP encapsulation. */
    public MobilityPacket withUdpEncapsulation(UdpEncapsulation encapsulation) {
        return new MobilityPacket(source, destination, homeAddressOption, type2RoutingHeader,
                Optional.of(encapsulation), mobilityHeader(), 0, mhLength);
    }

    /** The source address in the (inner) IPv6 header. */
    public Ipv6Address source() {
        return source;
    }

    /** The destination address in the (inner) IPv6 header. */
    public Ipv6Address destination() {
        return destination;
    }

    /** The home address carried in the Home Address destination option, if any. */
    public Optional<Ipv6Address> homeAddressOption() {
        return homeAddressOption;
    }

    /** The home address carried in the type 2 routing header, if any. */
    public Optional<Ipv6Address> type2RoutingHeader() {
        return type2RoutingHeader;
    }

    /** The outer headers of RFC 5555 UDP encapsulation, if any. */
    public Optional<UdpEncapsulation> udpEncapsulation() {
        return udpEncapsulation;
    }

    /** A copy of the Mobility Header octets. */
    public byte[] mobilityHeader() {
        return Arrays.copyOfRange(mobilityHeader, mhOffset, mhOffset + mhLength);
    }

    /**
     * The source address of the Mobility Header checksum's pseudo-header: the home address of
     * the Home Address option if present, else the IPv6 source (RFC 6275 §6.1.1,
     * docs/protocol-notes.md#checksum-addresses; TV1 checks this).
     */
    public Ipv6Address pseudoHeaderSource() {
        return homeAddressOption.orElse(source);
    }

    /**
     * The destination address of the Mobility Header checksum's pseudo-header: the final
     * destination, which is the home address of the type 2 routing header if present, else the
     * IPv6 destination (RFC 8200 §8.1, docs/protocol-notes.md#checksum-addresses; TV2 checks this).
     */
    public Ipv6Address pseudoHeaderDestination() {
        return type2RoutingHeader.orElse(destination);
    }

    /**
     * The packet's octets, starting with the outermost IP header; see the class comment for the
     * layout. The outer IPv4 header checksum and the UDP checksum are computed; the Mobility
     * Header is copied unchanged.
     */
    public byte[] toBytes() {
        int inner = innerLength();
        if (udpEncapsulation.isEmpty()) {
            byte[] out = new byte[inner];
            writeInner(out, 0);
            return out;
        }
        UdpEncapsulation encapsulation = udpEncapsulation.get();
        int outer = outerHeaderLength(encapsulation);
        int udpLength = UDP_HEADER_LENGTH + inner;
        byte[] out = new byte[outer + udpLength];
        if (encapsulation instanceof UdpEncapsulation.OverIpv4 v4) {
            writeIpv4Header(out, v4, outer + udpLength);
        } else if (encapsulation instanceof UdpEncapsulation.OverIpv6 v6) {
            writeIpv6Header(out, 0, udpLength, UdpEncapsulation.UDP_PROTOCOL, v6.source(), v6.destination());
        }
        writeShort(out, outer, encapsulation.sourcePort());
        writeShort(out, outer + 2, encapsulation.destinationPort());
        writeShort(out, outer + 4, udpLength);
        writeInner(out, outer + UDP_HEADER_LENGTH);
        int checksum = encapsulation.udpChecksum(out, outer, udpLength);
        writeShort(out, outer + 6, checksum == 0 ? 0xFFFF : checksum);
        return out;
    }

    /** Octets of the inner IPv6 packet; fits an int because the constructor bounds it. */
    private int innerLength() {
        return IPV6_HEADER_LENGTH + extensionHeadersLength() + mhLength;
    }

    private int extensionHeadersLength() {
        return (type2RoutingHeader.isPresent() ? Type2RoutingHeader.LENGTH : 0)
                + (homeAddressOption.isPresent() ? HomeAddressOption.DESTINATION_OPTIONS_HEADER_LENGTH : 0);
    }

    private static int outerHeaderLength(UdpEncapsulation encapsulation) {
        return encapsulation instanceof UdpEncapsulation.OverIpv4 ? IPV4_HEADER_LENGTH : IPV6_HEADER_LENGTH;
    }

    private void writeInner(byte[] out, int offset) {
        writeInner(source, destination, homeAddressOption.orElse(null), type2RoutingHeader.orElse(null),
                mobilityHeader, mhOffset, mhLength, out, offset);
    }

    /**
     * The length of the inner IPv6 packet {@link #writeInnerPacket} writes: the IPv6 header, the
     * extension headers present and the Mobility Header.
     *
     * @param homeAddressOption  whether the packet carries a Home Address option
     * @param type2RoutingHeader whether it carries a type 2 routing header
     * @param mobilityHeaderLength the Mobility Header's octets
     */
    public static int innerPacketLength(boolean homeAddressOption, boolean type2RoutingHeader,
                                        int mobilityHeaderLength) {
        return IPV6_HEADER_LENGTH + (type2RoutingHeader ? Type2RoutingHeader.LENGTH : 0)
                + (homeAddressOption ? HomeAddressOption.DESTINATION_OPTIONS_HEADER_LENGTH : 0) + mobilityHeaderLength;
    }

    /**
     * Writes the inner IPv6 packet (no UDP encapsulation) into {@code out} at {@code offset}: the
     * same octets as {@code new MobilityPacket(source, destination, homeAddressOption,
     * type2RoutingHeader, Optional.empty(), mobilityHeader).toBytes()}, without building the
     * packet or its array. For a transport that lays datagrams out in a buffer it reuses.
     *
     * @param homeAddressOption  the Home Address option's address, or null for none
     * @param type2RoutingHeader the type 2 routing header's home address, or null for none
     * @param mobilityHeader     holds the Mobility Header message; read, not retained
     * @param mhLength           the message's octets from index 0, at least 1
     * @return the octets written, {@link #innerPacketLength}
     * @throws NullPointerException if {@code source}, {@code destination}, {@code mobilityHeader}
     *         or {@code out} is null
     * @throws IllegalArgumentException if {@code mhLength} is 0 or the packet would not fit the
     *         IPv6 Payload Length
     * @throws IndexOutOfBoundsException if the message or the packet lies outside its array
     */
    public static int writeInnerPacket(Ipv6Address source, Ipv6Address destination, Ipv6Address homeAddressOption,
                                       Ipv6Address type2RoutingHeader, byte[] mobilityHeader, int mhLength,
                                       byte[] out, int offset) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(mobilityHeader, "mobilityHeader");
        Objects.requireNonNull(out, "out");
        Objects.checkFromIndexSize(0, mhLength, mobilityHeader.length);
        if (mhLength == 0) {
            throw new IllegalArgumentException("a Mobility Header has at least one octet");
        }
        int length = innerPacketLength(homeAddressOption != null, type2RoutingHeader != null, mhLength);
        if (length - IPV6_HEADER_LENGTH > MAX_IP_LENGTH) {
            throw new IllegalArgumentException("a Mobility Header of " + mhLength
                    + " octets makes a packet too long for its 16-bit length fields");
        }
        Objects.checkFromIndexSize(offset, length, out.length);
        writeInner(source, destination, homeAddressOption, type2RoutingHeader, mobilityHeader, 0, mhLength, out,
                offset);
        return length;
    }

    private static void writeInner(Ipv6Address source, Ipv6Address destination, Ipv6Address homeAddress,
                                   Ipv6Address routedHomeAddress, byte[] mobilityHeader, int mhOffset, int mhLength,
                                   byte[] out, int offset) {
        int firstNextHeader = routedHomeAddress != null ? Type2RoutingHeader.ROUTING_NEXT_HEADER
                : homeAddress != null ? HomeAddressOption.DESTINATION_OPTIONS_NEXT_HEADER
                : MOBILITY_HEADER_NEXT_HEADER;
        int length = innerPacketLength(homeAddress != null, routedHomeAddress != null, mhLength);
        writeIpv6Header(out, offset, length - IPV6_HEADER_LENGTH, firstNextHeader, source, destination);
        int cursor = offset + IPV6_HEADER_LENGTH;
        if (routedHomeAddress != null) {
            int next = homeAddress != null ? HomeAddressOption.DESTINATION_OPTIONS_NEXT_HEADER
                    : MOBILITY_HEADER_NEXT_HEADER;
            new Type2RoutingHeader(routedHomeAddress).writeTo(out, cursor, next);
            cursor += Type2RoutingHeader.LENGTH;
        }
        if (homeAddress != null) {
            new HomeAddressOption(homeAddress).writeDestinationOptionsHeader(out, cursor, MOBILITY_HEADER_NEXT_HEADER);
            cursor += HomeAddressOption.DESTINATION_OPTIONS_HEADER_LENGTH;
        }
        System.arraycopy(mobilityHeader, mhOffset, out, cursor, mhLength);
    }

    private static void writeIpv6Header(byte[] out, int offset, int payloadLength, int nextHeader,
                                        Ipv6Address source, Ipv6Address destination) {
        out[offset] = 0x60; // version 6, traffic class 0, flow label 0
        writeShort(out, offset + 4, payloadLength);
        out[offset + 6] = (byte) nextHeader;
        out[offset + 7] = (byte) HOP_LIMIT;
        source.writeTo(out, offset + 8);
        destination.writeTo(out, offset + 24);
    }

    private static void writeIpv4Header(byte[] out, UdpEncapsulation.OverIpv4 v4, int totalLength) {
        out[0] = 0x45; // version 4, IHL 5; type of service 0
        writeShort(out, 2, totalLength);
        writeShort(out, 4, 1); // identification 1; flags and fragment offset 0, as in TV6
        out[8] = (byte) HOP_LIMIT;
        out[9] = (byte) UdpEncapsulation.UDP_PROTOCOL;
        v4.source().writeTo(out, 12);
        v4.destination().writeTo(out, 16);
        writeShort(out, 10, InternetChecksum.compute(out, 0, IPV4_HEADER_LENGTH));
    }

    private static void writeShort(byte[] out, int offset, int value) {
        out[offset] = (byte) (value >>> 8);
        out[offset + 1] = (byte) value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MobilityPacket p
                && source.equals(p.source)
                && destination.equals(p.destination)
                && homeAddressOption.equals(p.homeAddressOption)
                && type2RoutingHeader.equals(p.type2RoutingHeader)
                && udpEncapsulation.equals(p.udpEncapsulation)
                && Arrays.equals(mobilityHeader, mhOffset, mhOffset + mhLength,
                        p.mobilityHeader, p.mhOffset, p.mhOffset + p.mhLength);
    }

    @Override
    public int hashCode() {
        return Objects.hash(source, destination, homeAddressOption, type2RoutingHeader, udpEncapsulation)
                * 31 + Arrays.hashCode(mobilityHeader());
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("MobilityPacket[");
        udpEncapsulation.ifPresent(e -> sb.append("udp=").append(e).append(", "));
        sb.append("source=").append(source).append(", destination=").append(destination);
        homeAddressOption.ifPresent(a -> sb.append(", homeAddressOption=").append(a));
        type2RoutingHeader.ifPresent(a -> sb.append(", type2RoutingHeader=").append(a));
        return sb.append(", mobilityHeader=").append(mhLength).append(" octets]").toString();
    }
}
