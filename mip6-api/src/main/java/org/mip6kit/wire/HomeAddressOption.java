package org.mip6kit.wire;

import java.util.Objects;
import java.util.Optional;

/**
 * The Home Address destination option (RFC 6275 §6.3): a mobile node away from home sends
 * from its care-of address and names its home address in this option, which the receiver
 * swaps into the source address before upper-layer processing. Of the Mobility Header
 * messages only a Binding Update travels with it (RFC 6275 §6.1, docs/protocol-notes.md#home-address-option-and-type-2-routing-header); at most
 * one per packet.
 *
 * <p>The option, alignment requirement 8n+6 so that the address starts on an 8-octet boundary:
 * <pre>
 *                                  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *                                  |  Option Type  | Option Length |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                                                               |
 *  +                                                               +
 *  |                                                               |
 *  +                          Home Address                         +
 *  |                                                               |
 *  +                                                               +
 *  |                                                               |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    Option Type   = 201 (0xC9): top bits 11 = discard and send ICMP if not understood,
 *                    third bit 0 = data does not change en route
 *    Option Length = 16
 * </pre>
 *
 * <p>The Destination Options header (IPv6 Next Header 60, RFC 8200 §4.6) that carries it, as
 * Linux and this project send it (24 octets, docs/protocol-notes.md#home-address-option-and-type-2-routing-header):
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  Next Header  | Hdr Ext Len=2 |  PadN type=1  |  PadN len=2   |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |       0       |       0       |  Type = 0xC9  |  Length = 16  |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                  Home Address (16 octets)                     |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>Whether the address is an acceptable home address (unicast, a binding exists) is the
 * engine's decision, not this codec's.
 *
 * @param homeAddress the mobile node's home address
 */
public record HomeAddressOption(Ipv6Address homeAddress) {

    /** IPv6 Next Header value of the Destination Options header (RFC 8200 §4.6). */
    public static final int DESTINATION_OPTIONS_NEXT_HEADER = 60;
    /** Option Type of the Home Address option: 201. */
    public static final int OPTION_TYPE = 0xC9;
    /** Option Length of the Home Address option: the 16 octets of the address. */
    public static final int OPTION_LENGTH = 16;
    /** Octets of the Destination Options header {@link #encodeDestinationOptionsHeader} writes. */
    public static final int DESTINATION_OPTIONS_HEADER_LENGTH = 24;

    private static final int PAD1 = 0;
    private static final int PADN = 1;

    /**
     * @throws NullPointerException if {@code homeAddress} is null
     */
    public HomeAddressOption {
        Objects.requireNonNull(homeAddress, "homeAddress");
    }

    /**
     * The 24-octet Destination Options header holding this option after a PadN of 4 octets, so
     * that the option sits at 8n+6: {@code NH, 02, 01 02 00 00, C9 10, HoA}.
     *
     * @param nextHeader the header that follows (135 for a Mobility Header, 50 for ESP), 0..255
     * @throws IllegalArgumentException if {@code nextHeader} is outside 0..255
     */
    public byte[] encodeDestinationOptionsHeader(int nextHeader) {
        byte[] out = new byte[DESTINATION_OPTIONS_HEADER_LENGTH];
        writeDestinationOptionsHeader(out, 0, nextHeader);
        return out;
    }

    /**
     * Writes the header of {@link #encodeDestinationOptionsHeader} into {@code out} at
     * {@code offset}.
     *
     * @throws IllegalArgumentException if {@code nextHeader} is outside 0..255
     * @throws IndexOutOfBoundsException if {@code out} has fewer than 24 octets from {@code offset}
     */
    public void writeDestinationOptionsHeader(byte[] out, int offset, int nextHeader) {
        if (nextHeader < 0 || nextHeader > 255) {
            throw new IllegalArgumentException("next header " + nextHeader + " outside 0..255");
        }
        Objects.checkFromIndexSize(offset, DESTINATION_OPTIONS_HEADER_LENGTH, out.length);
        out[offset] = (byte) nextHeader;
        out[offset + 1] = (byte) (DESTINATION_OPTIONS_HEADER_LENGTH / 8 - 1);
        out[offset + 2] = (byte) PADN;
        out[offset + 3] = 2;
        out[offset + 4] = 0;
        out[offset + 5] = 0;
        out[offset + 6] = (byte) OPTION_TYPE;
        out[offset + 7] = (byte) OPTION_LENGTH;
        homeAddress.writeTo(out, offset + 8);
    }

    /**
     * Decodes the Destination Options header at {@code offset} and finds the Home Address
     * option among its options.
     *
     * <p>Options are walked one by one inside the header's own length: Pad1 is one octet,
     * every other option (PadN and options of any other type) is skipped by its length. This
     * decoder only looks for the Home Address option; it does not apply the RFC 8200 §4.2
     * action bits of unknown options, which is the receiving node's business. The contents
     * of padding and the 8n+6 alignment (a sender's rule) are not checked. Offsets in the
     * exceptions are indices into {@code bytes}.
     *
     * @param bytes     the buffer, usually a whole packet
     * @param offset    where the header starts (its Next Header octet)
     * @param available how many octets of {@code bytes} from {@code offset} belong to the
     *                  packet; the header must fit inside them
     * @return the Home Address option, or empty if the header carries none
     * @throws MobilityHeaderFormatException ({@link FormatReaction#SILENT_DISCARD}) if the header
     *         overruns {@code available}, an option overruns the header, a Home Address option's
     *         length is not 16, or the header carries more than one Home Address option
     * @throws IndexOutOfBoundsException if {@code offset} and {@code available} do not lie
     *         inside {@code bytes} (a caller's bug, not a malformed packet)
     */
    public static Optional<HomeAddressOption> decodeDestinationOptionsHeader(byte[] bytes, int offset, int available)
            throws MobilityHeaderFormatException {
        Objects.checkFromIndexSize(offset, available, bytes.length);
        if (available < 2) {
            throw new MobilityHeaderFormatException("Destination Options header", offset,
                    FormatReaction.SILENT_DISCARD,
                    "needs at least 8 octets, the packet has " + available + " left");
        }
        int headerLength = ((bytes[offset + 1] & 0xFF) + 1) * 8;
        if (headerLength > available) {
            throw new MobilityHeaderFormatException("Hdr Ext Len", offset + 1, FormatReaction.SILENT_DISCARD,
                    "Destination Options header of " + headerLength + " octets overruns the "
                            + available + " octets left in the packet");
        }
        int end = offset + headerLength;
        HomeAddressOption found = null;
        int i = offset + 2;
        while (i < end) {
            int type = bytes[i] & 0xFF;
            if (type == PAD1) {
                i++;
                continue;
            }
            if (i + 1 >= end) {
                throw new MobilityHeaderFormatException("Option Length", i + 1, FormatReaction.SILENT_DISCARD,
                        "option type " + type + " at the last octet of the Destination Options header has no length");
            }
            int length = bytes[i + 1] & 0xFF;
            if (i + 2 + length > end) {
                throw new MobilityHeaderFormatException("Option Length", i + 1, FormatReaction.SILENT_DISCARD,
                        "option type " + type + " of " + length + " data octets overruns the Destination Options "
                                + "header, which ends at offset " + end);
            }
            if (type == OPTION_TYPE) {
                if (length != OPTION_LENGTH) {
                    throw new MobilityHeaderFormatException("Home Address option length", i + 1,
                            FormatReaction.SILENT_DISCARD, "is " + length + ", must be " + OPTION_LENGTH);
                }
                if (found != null) {
                    throw new MobilityHeaderFormatException("Home Address option", i, FormatReaction.SILENT_DISCARD,
                            "appears more than once (RFC 6275 §6.3 allows one per packet)");
                }
                found = new HomeAddressOption(Ipv6Address.fromBytes(bytes, i + 2));
            }
            i += 2 + length;
        }
        return Optional.ofNullable(found);
    }
}
