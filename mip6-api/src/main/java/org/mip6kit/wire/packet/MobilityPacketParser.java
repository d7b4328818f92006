package org.mip6kit.wire.packet;

import java.util.Objects;
import java.util.Optional;
import org.mip6kit.wire.FormatReaction;
import org.mip6kit.wire.HomeAddressOption;
import org.mip6kit.wire.InternetChecksum;
import org.mip6kit.wire.Ipv4Address;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.MobilityHeaderFormatException;
import org.mip6kit.wire.Type2RoutingHeader;

/**
 * Reads a whole IP packet carrying one Mobility Header message into a {@link MobilityPacket}.
 * Stateless; safe from any thread.
 *
 * <p>Accepted shapes (docs/protocol-notes.md#home-address-option-and-type-2-routing-header, #rfc-5555-udp):
 * <pre>
 *  IPv6 [Hop-by-Hop] [Destination Options] [type 2 routing header] [Destination Options] MH(135)
 *  IPv4 (proto 17) UDP  IPv6 ... MH(135)                      RFC 5555 UDP encapsulation
 *  IPv6 [ext] (NH 17) UDP  IPv6 ... MH(135)                  the same over IPv6 (project extension)
 * </pre>
 * The Home Address option is looked for in every Destination Options header and may appear
 * once per packet. The Mobility Header itself is not decoded: its octets, from the first octet
 * after the header chain to the end of the packet, are returned for the message codec, which
 * needs {@link MobilityPacket#pseudoHeaderSource()} and
 * {@link MobilityPacket#pseudoHeaderDestination()} to check the checksum.
 *
 * <p>Decoding is strict. Every length is checked before it is used; the IPv6 Payload Length,
 * IPv4 Total Length and UDP Length must each account for exactly the octets that follow; the
 * IPv4 header checksum and a non-zero UDP checksum must verify. Fragments, ESP, AH and every
 * other next header are refused with a message naming the value found: reassembly and ESP
 * processing happen before this parser. Offsets in the exceptions count from the first octet
 * of {@code packet}, also for errors inside a UDP-encapsulated inner packet. Except where a
 * type 2 routing header error prescribes ICMPv6 Parameter Problem (RFC 6275 §6.4), the reaction
 * is {@link FormatReaction#SILENT_DISCARD}.
 */
public final class MobilityPacketParser {

    private static final int HOP_BY_HOP = 0;
    private static final int UDP = UdpEncapsulation.UDP_PROTOCOL;
    private static final int ROUTING = Type2RoutingHeader.ROUTING_NEXT_HEADER;
    private static final int FRAGMENT = 44;
    private static final int ESP = 50;
    private static final int AH = 51;
    private static final int ICMPV6 = 58;
    private static final int NO_NEXT_HEADER = 59;
    private static final int DESTINATION_OPTIONS = HomeAddressOption.DESTINATION_OPTIONS_NEXT_HEADER;
    private static final int MOBILITY = MobilityPacket.MOBILITY_HEADER_NEXT_HEADER;

    private static final int IPV6_HEADER = MobilityPacket.IPV6_HEADER_LENGTH;
    private static final int IPV4_MIN_HEADER = MobilityPacket.IPV4_HEADER_LENGTH;
    private static final int UDP_HEADER = MobilityPacket.UDP_HEADER_LENGTH;

    private MobilityPacketParser() {
    }

    /**
     * Parses one packet, starting at its outermost IP header (no link-layer header).
     *
     * @param packet the whole packet; not modified and not retained
     * @return the packet's addresses, extension headers, encapsulation and Mobility Header octets
     * @throws MobilityHeaderFormatException for any malformed or unsupported packet, naming the
     *         field and its offset from the start of {@code packet}; no other exception is thrown
     *         for any content of {@code packet}
     * @throws NullPointerException if {@code packet} is null
     */
    public static MobilityPacket parse(byte[] packet) throws MobilityHeaderFormatException {
        Objects.requireNonNull(packet, "packet");
        return parse(packet, packet.length);
    }

    /**
     * Parses the packet in the first {@code length} octets of {@code buffer}, as
     * {@link #parse(byte[])} parses a whole array: the octets after {@code length} are not part
     * of the packet and are never read. For a receive buffer reused from datagram to datagram.
     *
     * @param buffer holds the packet from index 0; not modified and not retained
     * @param length the packet's length, 0..{@code buffer.length}
     * @throws MobilityHeaderFormatException as {@link #parse(byte[])}
     * @throws NullPointerException if {@code buffer} is null
     * @throws IndexOutOfBoundsException if {@code length} is negative or beyond the buffer
     */
    public static MobilityPacket parse(byte[] buffer, int length) throws MobilityHeaderFormatException {
        return parse(buffer, length, false);
    }

    /**
     * {@link #parse(byte[], int)} without copying the Mobility Header: the packet returned reads
     * it from {@code buffer}, so it is only valid until {@code buffer} is written again, and must
     * not be kept or handed on past that (a transport that takes one fresh copy of the Mobility
     * Header with {@link MobilityPacket#mobilityHeader()} before it reuses its receive buffer).
     *
     * @param buffer holds the packet from index 0; not modified, and read by the packet returned
     * @param length the packet's length, 0..{@code buffer.length}
     * @throws MobilityHeaderFormatException as {@link #parse(byte[])}
     * @throws NullPointerException if {@code buffer} is null
     * @throws IndexOutOfBoundsException if {@code length} is negative or beyond the buffer
     */
    public static MobilityPacket parseInPlace(byte[] buffer, int length) throws MobilityHeaderFormatException {
        return parse(buffer, length, true);
    }

    private static MobilityPacket parse(byte[] buffer, int length, boolean inPlace)
            throws MobilityHeaderFormatException {
        Objects.requireNonNull(buffer, "buffer");
        Objects.checkFromIndexSize(0, length, buffer.length);
        if (length == 0) {
            throw discard("Version", 0, "the packet is empty");
        }
        int version = (buffer[0] & 0xFF) >>> 4;
        if (version == 4) {
            return parseIpv4(buffer, length, inPlace);
        }
        if (version == 6) {
            return parseIpv6(buffer, length, 0, Optional.empty(), inPlace);
        }
        throw discard("Version", 0, "is " + version + ", expected 6, or 4 for RFC 5555 UDP encapsulation");
    }

    private static MobilityPacket parseIpv4(byte[] p, int end, boolean inPlace) throws MobilityHeaderFormatException {
        if (end < IPV4_MIN_HEADER) {
            throw discard("IPv4 header", 0, "needs " + IPV4_MIN_HEADER + " octets, the packet has " + end);
        }
        int headerLength = (p[0] & 0x0F) * 4;
        if (headerLength < IPV4_MIN_HEADER) {
            throw discard("IHL", 0, "is " + headerLength / 4 + ", must be at least 5");
        }
        if (headerLength > end) {
            throw discard("IHL", 0, "says a header of " + headerLength + " octets, the packet has " + end);
        }
        int totalLength = readShort(p, 2);
        if (totalLength != end) {
            throw discard("Total Length", 2, "is " + totalLength + ", the packet has " + end + " octets");
        }
        int fragment = readShort(p, 6);
        if ((fragment & 0x3FFF) != 0) {
            throw discard("Fragment Offset", 6, "the packet is an IPv4 fragment (MF "
                    + ((fragment >>> 13) & 1) + ", offset " + (fragment & 0x1FFF) + "): reassemble before parsing");
        }
        if (InternetChecksum.compute(p, 0, headerLength) != 0) {
            throw discard("Header Checksum", 10, "does not verify");
        }
        int protocol = p[9] & 0xFF;
        if (protocol != UDP) {
            throw discard("Protocol", 9, "is " + describe(protocol) + ", only UDP (17) carries RFC 5555 signalling");
        }
        Ipv4Address source = Ipv4Address.fromBytes(p, 12);
        Ipv4Address destination = Ipv4Address.fromBytes(p, 16);
        return parseUdp(p, end, headerLength, (sourcePort, destinationPort) ->
                new UdpEncapsulation.OverIpv4(source, destination, sourcePort, destinationPort), inPlace);
    }

    /** Makes the encapsulation once the ports are read. */
    private interface EncapsulationFactory {
        UdpEncapsulation create(int sourcePort, int destinationPort);
    }

    private static MobilityPacket parseUdp(byte[] p, int end, int start, EncapsulationFactory factory,
                                           boolean inPlace)
            throws MobilityHeaderFormatException {
        int available = end - start;
        if (available < UDP_HEADER) {
            throw discard("UDP header", start, "needs " + UDP_HEADER + " octets, the packet has " + available + " left");
        }
        int udpLength = readShort(p, start + 4);
        if (udpLength != available) {
            throw discard("UDP Length", start + 4, "is " + udpLength + ", " + available + " octets follow");
        }
        UdpEncapsulation encapsulation = factory.create(readShort(p, start), readShort(p, start + 2));
        int checksum = readShort(p, start + 6);
        if (checksum == 0 && encapsulation instanceof UdpEncapsulation.OverIpv6) {
            throw discard("UDP Checksum", start + 6, "is zero, which IPv6 does not allow (RFC 8200 §8.1)");
        }
        if (checksum != 0 && encapsulation.udpChecksum(p, start, udpLength) != 0) {
            throw discard("UDP Checksum", start + 6, "does not verify");
        }
        int inner = start + UDP_HEADER;
        if (inner == end) {
            throw discard("Version", inner, "the UDP datagram is empty where the inner IPv6 packet should be");
        }
        int version = (p[inner] & 0xFF) >>> 4;
        if (version != 6) {
            throw discard("Version", inner, "the UDP payload is IP version " + version
                    + ", Mobility Header signalling is always carried in IPv6 (RFC 5555)");
        }
        return parseIpv6(p, end, inner, Optional.of(encapsulation), inPlace);
    }

    private static MobilityPacket parseIpv6(byte[] p, int end, int start, Optional<UdpEncapsulation> encapsulation,
                                            boolean inPlace) throws MobilityHeaderFormatException {
        int available = end - start;
        if (available < IPV6_HEADER) {
            throw discard("IPv6 header", start, "needs " + IPV6_HEADER + " octets, the packet has " + available + " left");
        }
        int payloadLength = readShort(p, start + 4);
        if (payloadLength != available - IPV6_HEADER) {
            throw discard("Payload Length", start + 4, "is " + payloadLength + ", "
                    + (available - IPV6_HEADER) + " octets follow the IPv6 header");
        }
        Ipv6Address source = Ipv6Address.fromBytes(p, start + 8);
        Ipv6Address destination = Ipv6Address.fromBytes(p, start + 24);

        Ipv6Address homeAddress = null;
        Ipv6Address routedHomeAddress = null;
        int nextHeaderOffset = start + 6;
        int cursor = start + IPV6_HEADER;
        while (true) {
            int nextHeader = p[nextHeaderOffset] & 0xFF;
            int left = end - cursor;
            int headerLength;
            switch (nextHeader) {
                case MOBILITY -> {
                    if (left == 0) {
                        throw discard("Mobility Header", cursor, "the packet ends where the Mobility Header should start");
                    }
                    if (inPlace) {
                        return new MobilityPacket(source, destination, Optional.ofNullable(homeAddress),
                                Optional.ofNullable(routedHomeAddress), encapsulation, p, cursor, left);
                    }
                    byte[] mobilityHeader = new byte[left];
                    System.arraycopy(p, cursor, mobilityHeader, 0, left);
                    return new MobilityPacket(source, destination, Optional.ofNullable(homeAddress),
                            Optional.ofNullable(routedHomeAddress), encapsulation, mobilityHeader, 0, left);
                }
                case HOP_BY_HOP -> {
                    if (cursor != start + IPV6_HEADER) {
                        throw discard("Next Header", nextHeaderOffset, "names a Hop-by-Hop Options header, "
                                + "which may only follow the IPv6 header (RFC 8200 §4.1)");
                    }
                    headerLength = extensionHeaderLength(p, end, cursor, "Hop-by-Hop Options header");
                }
                case DESTINATION_OPTIONS -> {
                    Optional<HomeAddressOption> option =
                            HomeAddressOption.decodeDestinationOptionsHeader(p, cursor, left);
                    if (option.isPresent()) {
                        if (homeAddress != null) {
                            throw discard("Home Address option", cursor, "a second Destination Options header "
                                    + "carries another Home Address option (RFC 6275 §6.3 allows one per packet)");
                        }
                        homeAddress = option.get().homeAddress();
                    }
                    headerLength = extensionHeaderLength(p, end, cursor, "Destination Options header");
                }
                case ROUTING -> {
                    if (routedHomeAddress != null) {
                        throw discard("Next Header", nextHeaderOffset, "names a second routing header");
                    }
                    routedHomeAddress = Type2RoutingHeader.decode(p, cursor, left).homeAddress();
                    headerLength = Type2RoutingHeader.LENGTH;
                }
                case UDP -> {
                    if (encapsulation.isPresent()) {
                        throw discard("Next Header", nextHeaderOffset,
                                "names UDP inside a UDP-encapsulated packet; encapsulation is one level deep");
                    }
                    if (homeAddress != null || routedHomeAddress != null) {
                        throw discard("Next Header", nextHeaderOffset, "names UDP after a Home Address option "
                                + "or type 2 routing header; those belong to the inner IPv6 packet");
                    }
                    return parseUdp(p, end, cursor, (sourcePort, destinationPort) ->
                            new UdpEncapsulation.OverIpv6(source, destination, sourcePort, destinationPort), inPlace);
                }
                default -> throw discard("Next Header", nextHeaderOffset, unsupported(nextHeader));
            }
            nextHeaderOffset = cursor;
            cursor += headerLength;
        }
    }

    /** The length of the extension header at {@code offset}, checked against the packet's end. */
    private static int extensionHeaderLength(byte[] p, int end, int offset, String name) throws MobilityHeaderFormatException {
        int left = end - offset;
        if (left < 2) {
            throw discard(name, offset, "needs at least 8 octets, the packet has " + left + " left");
        }
        int length = ((p[offset + 1] & 0xFF) + 1) * 8;
        if (length > left) {
            throw discard("Hdr Ext Len", offset + 1, name + " of " + length + " octets overruns the "
                    + left + " octets left in the packet");
        }
        return length;
    }

    private static String unsupported(int nextHeader) {
        return switch (nextHeader) {
            case FRAGMENT -> "is 44 (Fragment header): reassemble the packet before parsing";
            case ESP -> "is 50 (ESP): remove ESP before parsing";
            case AH -> "is 51 (AH), which this parser does not process";
            default -> "is " + describe(nextHeader) + ", which cannot lead to a Mobility Header";
        };
    }

    private static String describe(int protocol) {
        String name = switch (protocol) {
            case HOP_BY_HOP -> "Hop-by-Hop Options";
            case 1 -> "ICMP";
            case 4 -> "IPv4";
            case 6 -> "TCP";
            case UDP -> "UDP";
            case 41 -> "IPv6";
            case ROUTING -> "Routing";
            case FRAGMENT -> "Fragment";
            case ESP -> "ESP";
            case AH -> "AH";
            case ICMPV6 -> "ICMPv6";
            case NO_NEXT_HEADER -> "No Next Header";
            case DESTINATION_OPTIONS -> "Destination Options";
            case MOBILITY -> "Mobility Header";
            default -> null;
        };
        return name == null ? Integer.toString(protocol) : protocol + " (" + name + ")";
    }

    private static int readShort(byte[] p, int offset) {
        return ((p[offset] & 0xFF) << 8) | (p[offset + 1] & 0xFF);
    }

    private static MobilityHeaderFormatException discard(String field, int offset, String problem) {
        return new MobilityHeaderFormatException(field, offset, FormatReaction.SILENT_DISCARD, problem);
    }
}
