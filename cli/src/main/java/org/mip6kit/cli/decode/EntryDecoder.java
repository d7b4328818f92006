package org.mip6kit.cli.decode;

import java.time.Instant;
import org.mip6kit.cli.decode.DecodedEntry.ErrorReport;
import org.mip6kit.cli.decode.DecodedEntry.Layer;
import org.mip6kit.cli.decode.MessageReport.ChecksumReport;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.MobilityHeaderCodec;
import org.mip6kit.wire.MobilityHeaderFormatException;
import org.mip6kit.wire.MobilityMessage;
import org.mip6kit.wire.packet.MobilityPacket;
import org.mip6kit.wire.packet.MobilityPacketParser;

/**
 * Decodes the three kinds of input {@code mip6kit decode} takes into {@link DecodedEntry}s:
 * a bare Mobility Header, a whole packet (IPv6, or IPv4/UDP per RFC 5555) and a pcap record.
 * Malformed input becomes an entry carrying the format error; nothing is thrown for any octets.
 * Stateless.
 */
public final class EntryDecoder {

    /** Said of the checksum of a bare Mobility Header given without pseudo-header addresses. */
    public static final String NO_ADDRESSES_NOTE = "checksum not verified (no --src/--dst)";

    private static final String CHECKSUM_FIELD = "Checksum";

    private final MobilityHeaderCodec codec;

    public EntryDecoder(MobilityHeaderCodec codec) {
        this.codec = codec;
    }

    /**
     * A bare Mobility Header. With both pseudo-header addresses the checksum is verified
     * ({@link MobilityHeaderCodec#decode}); with neither it cannot be, and everything else is
     * checked ({@link MobilityHeaderCodec#decodeTrustingChecksum}).
     *
     * @param source      pseudo-header source (the home address for a BU with a Home Address option), or null
     * @param destination pseudo-header destination (the home address for a BA with a type 2 routing header), or null
     * @throws IllegalArgumentException if only one of the two addresses is given
     */
    public DecodedEntry mobilityHeader(byte[] mh, Ipv6Address source, Ipv6Address destination) {
        if ((source == null) != (destination == null)) {
            throw new IllegalArgumentException("give both pseudo-header addresses or neither");
        }
        try {
            if (source == null) {
                MobilityMessage message = codec.decodeTrustingChecksum(mh);
                ChecksumReport checksum = ChecksumReport.notVerified(checksumField(mh), NO_ADDRESSES_NOTE);
                return DecodedEntry.decoded(null, null, mh.length, null,
                        MessageReport.describe(mh, message, checksum, codec.registry()));
            }
            return DecodedEntry.decoded(null, null, mh.length, null, verified(mh, source, destination));
        } catch (MobilityHeaderFormatException e) {
            return DecodedEntry.malformed(null, null, mh.length, null,
                    ErrorReport.of(Layer.MOBILITY_HEADER, e, null, checksumHint(e, mh, source, destination)));
        }
    }

    /**
     * A whole packet starting at its IP header. The checksum is verified with the packet's
     * pseudo-header addresses (the home address of a Home Address option or type 2 routing
     * header where present, RFC 6275 §6.1.1).
     */
    public DecodedEntry packet(byte[] octets) {
        return packet(null, null, octets, false);
    }

    /**
     * One pcap record. A record that does not parse as a packet carrying a Mobility Header
     * (other traffic, ESP, fragments, truncated captures) is skipped with the parser's reason;
     * a Mobility Header that is malformed is an error.
     *
     * @param frame 1 for the first record
     */
    public DecodedEntry frame(int frame, Instant timestamp, byte[] octets) {
        return packet(frame, timestamp, octets, true);
    }

    private DecodedEntry packet(Integer frame, Instant timestamp, byte[] octets, boolean skipNonMobility) {
        MobilityPacket parsed;
        try {
            parsed = MobilityPacketParser.parse(octets);
        } catch (MobilityHeaderFormatException e) {
            if (skipNonMobility) {
                return DecodedEntry.skipped(frame, timestamp, octets.length,
                        "not a Mobility Header packet: " + e.getMessage());
            }
            return DecodedEntry.malformed(frame, timestamp, octets.length, null,
                    ErrorReport.of(Layer.PACKET, e, null, null));
        }
        PacketReport packet = PacketReport.of(octets, parsed);
        byte[] mh = parsed.mobilityHeader();
        Ipv6Address source = parsed.pseudoHeaderSource();
        Ipv6Address destination = parsed.pseudoHeaderDestination();
        try {
            return DecodedEntry.decoded(frame, timestamp, octets.length, packet, verified(mh, source, destination));
        } catch (MobilityHeaderFormatException e) {
            return DecodedEntry.malformed(frame, timestamp, octets.length, packet, ErrorReport.of(
                    Layer.MOBILITY_HEADER, e, packet.mobilityHeaderOffset(), checksumHint(e, mh, source, destination)));
        }
    }

    private MessageReport verified(byte[] mh, Ipv6Address source, Ipv6Address destination)
            throws MobilityHeaderFormatException {
        MobilityMessage message = codec.decode(mh, source, destination);
        return MessageReport.describe(mh, message, ChecksumReport.verified(checksumField(mh), source, destination),
                codec.registry());
    }

    /** For a checksum that failed: the value these addresses would give, to spot wrong addresses. */
    private static String checksumHint(MobilityHeaderFormatException e, byte[] mh, Ipv6Address source,
                                       Ipv6Address destination) {
        if (source == null || !CHECKSUM_FIELD.equals(e.field())) {
            return null;
        }
        byte[] copy = mh.clone();
        MobilityHeaderCodec.fillChecksum(copy, source, destination);
        return String.format("the checksum for %s -> %s would be 0x%04x (with a Home Address option or type 2 "
                + "routing header, the pseudo-header uses the home address)", source, destination, checksumField(copy));
    }

    private static int checksumField(byte[] mh) {
        return (mh[MobilityHeaderCodec.CHECKSUM_OFFSET] & 0xFF) << 8 | (mh[MobilityHeaderCodec.CHECKSUM_OFFSET + 1] & 0xFF);
    }
}
