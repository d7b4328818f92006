package org.mip6kit.wire;

import java.util.Arrays;
import java.util.List;

/**
 * Encodes {@link MobilityMessage}s to Mobility Header octets and decodes them back
 * (RFC 6275 §6.1), with the option types of a {@link MobilityOptionRegistry}.
 *
 * <p><b>Encoding</b> lays out the options in list order, inserting Pad1/PadN before each one
 * to meet its alignment ({@code xn+y}, counted from the start of the Mobility Header), pads
 * the message to a multiple of 8 octets, fills Header Len, and computes the checksum over the
 * IPv6 pseudo-header of RFC 8200 §8.1 for the addresses the caller names. Those are the
 * packet's <em>final</em> addresses (RFC 6275 §6.1.1): the home address, not the care-of
 * address, when a Home Address option (source) or a type 2 routing header (destination) is
 * present.
 *
 * <p><b>Decoding</b> is strict and bounded: the octet count must equal the Header Len, the
 * checksum must verify (unless the caller says its transport already verified it), Payload
 * Proto must be 59, the MH Type must be known, Header Len must reach the type's minimum, each
 * option is read inside its own Length, and no option may run past the message. Failures are
 * a {@link MobilityHeaderFormatException} naming the field, its offset and RFC 6275 §9.2's
 * reaction; no other exception escapes, whatever the octets. Padding is dropped; options with
 * no codec become {@link UnknownOption}.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class MobilityHeaderCodec {

    /** IPv6 Next Header value of the Mobility Header. */
    public static final int IP_PROTOCOL = 135;
    /** The only allowed Payload Proto value, IPPROTO_NONE. */
    public static final int PAYLOAD_PROTO_NONE = 59;
    /** The largest Mobility Header: Header Len 255. */
    public static final int MAX_LENGTH = 256 * 8;
    /** Offset of the Checksum field. */
    public static final int CHECKSUM_OFFSET = 4;

    private static final int[] FIXED_LENGTH = {2, 10, 10, 18, 18, 6, 6, 18};
    private static final int[] MIN_HEADER_LEN = {0, 1, 1, 2, 2, 1, 1, 2};
    private static final int HOME_AGENT_SWITCH = 12;
    private static final MobilityHeaderCodec STANDARD = new MobilityHeaderCodec(MobilityOptionRegistry.standard());

    private final MobilityOptionRegistry registry;

    public MobilityHeaderCodec(MobilityOptionRegistry registry) {
        if (registry == null) {
            throw new IllegalArgumentException("registry is required");
        }
        this.registry = registry;
    }

    /** A codec with {@link MobilityOptionRegistry#standard()}. */
    public static MobilityHeaderCodec standard() {
        return STANDARD;
    }

    public MobilityOptionRegistry registry() {
        return registry;
    }

    /**
     * The minimum Header Len for a known MH Type (RFC 6275 §6.1.2–§6.1.9; RFC 5142 §4 for a Home
     * Agent Switch with no address).
     */
    public static int minimumHeaderLen(MobilityHeaderType type) {
        int code = type.code();
        if (code == HOME_AGENT_SWITCH) {
            return 0;
        }
        if (code >= MIN_HEADER_LEN.length) {
            throw new IllegalArgumentException(type + " is not an RFC 6275 message type");
        }
        return MIN_HEADER_LEN[code];
    }

    /**
     * Octets of a known type's fixed part after the 6-octet common header (RFC 6275 §6.1.2–§6.1.9):
     * its options start at {@code 6 + fixedPartLength(type)}. Not for a Home Agent Switch, whose
     * fixed part grows with its address count: use {@link #optionsOffset}.
     */
    public static int fixedPartLength(MobilityHeaderType type) {
        int code = type.code();
        if (code >= FIXED_LENGTH.length) {
            throw new IllegalArgumentException(type + " is not an RFC 6275 message type");
        }
        return FIXED_LENGTH[code];
    }

    /**
     * Where the options of an encoded Mobility Header start, for every type this codec decodes
     * (for a Home Agent Switch, after its {@code # of Addresses} addresses), or -1 for a type it
     * does not decode or octets too short to tell.
     */
    public static int optionsOffset(byte[] mh) {
        if (mh == null || mh.length < 8) {
            return -1;
        }
        int code = NetworkOrder.u8(mh, 2);
        if (code == HOME_AGENT_SWITCH) {
            return 8 + 16 * NetworkOrder.u8(mh, 6);
        }
        return code < FIXED_LENGTH.length ? 6 + FIXED_LENGTH[code] : -1;
    }

    // ---------------------------------------------------------------- encoding

    /**
     * Encodes {@code message} with its checksum computed for the given pseudo-header addresses.
     *
     * @throws IllegalArgumentException if an option has no registered codec, or the message
     *         would exceed {@link #MAX_LENGTH}
     */
    public byte[] encode(MobilityMessage message, Ipv6Address checksumSource, Ipv6Address checksumDestination) {
        byte[] mh = encodeWithoutChecksum(message);
        fillChecksum(mh, checksumSource, checksumDestination);
        return mh;
    }

    /** Encodes {@code message} leaving the Checksum field 0 (for callers that fill it later). */
    public byte[] encodeWithoutChecksum(MobilityMessage message) {
        return encodeWithoutChecksum(message, List.of());
    }

    /**
     * Encodes {@code message} with {@code appended} laid out after its own options, as if the
     * message listed them last, leaving the Checksum field 0. For a sender that adds options of
     * its own to a message it was handed (a security provider adding its authentication option
     * last) without building a second message to encode.
     *
     * @throws IllegalArgumentException as {@link #encode}, and if {@code appended} holds padding
     */
    public byte[] encodeWithoutChecksum(MobilityMessage message, List<MobilityOption> appended) {
        int typeCode = message.type().code();
        int fixedEnd;
        if (message instanceof HomeAgentSwitch has) {
            fixedEnd = 8 + 16 * has.homeAgents().size();
        } else if (typeCode < FIXED_LENGTH.length) {
            fixedEnd = 6 + FIXED_LENGTH[typeCode];
        } else {
            throw new IllegalArgumentException("cannot encode MH type " + message.type());
        }
        List<MobilityOption> own = message.options();
        int ownCount = own.size();
        int n = ownCount + appended.size();
        // Two passes over the options, the same layout rule in each: the first finds the length,
        // the second writes. Recomputing is cheaper than arrays of offsets per message.
        int offset = fixedEnd;
        for (int i = 0; i < n; i++) {
            MobilityOption o = i < ownCount ? own.get(i) : appended(appended, i - ownCount);
            MobilityOptionCodec<?> codec = codecFor(o);
            offset += alignmentOf(codec).paddingBefore(offset) + 2 + dataLengthOf(codec, o);
        }
        int length = (offset + 7) & ~7;
        if (length > MAX_LENGTH) {
            throw new IllegalArgumentException("message would be " + length + " octets; at most " + MAX_LENGTH + " fit");
        }
        byte[] out = new byte[length];
        out[0] = (byte) PAYLOAD_PROTO_NONE;
        out[1] = (byte) (length / 8 - 1);
        out[2] = (byte) typeCode;
        writeFixedPart(message, out);
        int cursor = fixedEnd;
        for (int i = 0; i < n; i++) {
            MobilityOption o = i < ownCount ? own.get(i) : appended.get(i - ownCount);
            MobilityOptionCodec<?> codec = codecFor(o);
            int dataLength = dataLengthOf(codec, o);
            int start = cursor + alignmentOf(codec).paddingBefore(cursor);
            writePadding(out, cursor, start - cursor);
            out[start] = (byte) o.type();
            out[start + 1] = (byte) dataLength;
            if (codec == null) {
                ((UnknownOption) o).writeData(out, start + 2);
            } else {
                write(codec, o, out, start + 2);
            }
            cursor = start + 2 + dataLength;
        }
        writePadding(out, cursor, length - cursor);
        return out;
    }

    private static MobilityOption appended(List<MobilityOption> appended, int i) {
        MobilityOption o = appended.get(i);
        if (o instanceof Pad1 || o instanceof PadN) {
            throw new IllegalArgumentException("padding is laid out by the encoder; do not append "
                    + o.getClass().getSimpleName());
        }
        return o;
    }

    /** The option's codec, or null for an {@link UnknownOption}, which writes itself. */
    private MobilityOptionCodec<?> codecFor(MobilityOption o) {
        if (o instanceof UnknownOption) {
            return null;
        }
        MobilityOptionCodec<?> codec = registry.codecOrNull(o.type());
        if (codec == null || !codec.optionClass().isInstance(o)) {
            throw new IllegalArgumentException("no codec registered for option " + o.getClass().getName()
                    + " of type " + o.type());
        }
        return codec;
    }

    private static Alignment alignmentOf(MobilityOptionCodec<?> codec) {
        return codec == null ? Alignment.NONE : codec.alignment();
    }

    private static int dataLengthOf(MobilityOptionCodec<?> codec, MobilityOption o) {
        if (codec == null) {
            return ((UnknownOption) o).dataLength();
        }
        int length = dataLength(codec, o);
        if (length < 0 || length > 255) {
            throw new IllegalArgumentException(codec.name() + " option data is " + length
                    + " octets; at most 255 fit");
        }
        return length;
    }

    /**
     * Computes and stores the checksum of a Mobility Header whose other octets are final
     * (the Checksum field is treated as 0).
     */
    public static void fillChecksum(byte[] mh, Ipv6Address checksumSource, Ipv6Address checksumDestination) {
        mh[CHECKSUM_OFFSET] = 0;
        mh[CHECKSUM_OFFSET + 1] = 0;
        int sum = InternetChecksum.ipv6(checksumSource, checksumDestination, IP_PROTOCOL, mh, 0, mh.length);
        NetworkOrder.put16(mh, CHECKSUM_OFFSET, sum);
    }

    /** True when the stored checksum is right for these pseudo-header addresses. */
    public static boolean checksumValid(byte[] mh, Ipv6Address checksumSource, Ipv6Address checksumDestination) {
        return InternetChecksum.ipv6(checksumSource, checksumDestination, IP_PROTOCOL, mh, 0, mh.length) == 0;
    }

    @SuppressWarnings("unchecked")
    private static <T extends MobilityOption> int dataLength(MobilityOptionCodec<T> codec, MobilityOption o) {
        return codec.dataLength((T) o);
    }

    @SuppressWarnings("unchecked")
    private static <T extends MobilityOption> void write(MobilityOptionCodec<T> codec, MobilityOption o, byte[] out, int at) {
        codec.write((T) o, out, at);
    }

    private static void writePadding(byte[] out, int at, int count) {
        if (count == 1) {
            out[at] = Pad1.TYPE;
        } else if (count >= 2) {
            // Padding never exceeds 7 octets here, so one PadN always covers it.
            out[at] = PadN.TYPE;
            out[at + 1] = (byte) (count - 2);
        }
    }

    private static void writeFixedPart(MobilityMessage m, byte[] out) {
        if (m instanceof BindingUpdate bu) {
            NetworkOrder.put16(out, 6, bu.sequence().value());
            NetworkOrder.put16(out, 8, bu.flagBits());
            NetworkOrder.put16(out, 10, bu.lifetime().units());
        } else if (m instanceof BindingAcknowledgement ba) {
            out[6] = (byte) ba.status().code();
            out[7] = (byte) ba.flagBits();
            NetworkOrder.put16(out, 8, ba.sequence().value());
            NetworkOrder.put16(out, 10, ba.lifetime().units());
        } else if (m instanceof BindingRefreshRequest) {
            // Reserved octets stay 0.
        } else if (m instanceof HomeTestInit hoti) {
            NetworkOrder.put64(out, 8, hoti.homeInitCookie());
        } else if (m instanceof CareOfTestInit coti) {
            NetworkOrder.put64(out, 8, coti.careOfInitCookie());
        } else if (m instanceof HomeTest hot) {
            NetworkOrder.put16(out, 6, hot.homeNonceIndex());
            NetworkOrder.put64(out, 8, hot.homeInitCookie());
            NetworkOrder.put64(out, 16, hot.homeKeygenToken());
        } else if (m instanceof CareOfTest cot) {
            NetworkOrder.put16(out, 6, cot.careOfNonceIndex());
            NetworkOrder.put64(out, 8, cot.careOfInitCookie());
            NetworkOrder.put64(out, 16, cot.careOfKeygenToken());
        } else if (m instanceof BindingError be) {
            out[6] = (byte) be.status().code();
            be.homeAddress().writeTo(out, 8);
        } else if (m instanceof HomeAgentSwitch has) {
            List<Ipv6Address> agents = has.homeAgents();
            out[6] = (byte) agents.size();
            for (int i = 0; i < agents.size(); i++) {
                agents.get(i).writeTo(out, 8 + 16 * i);
            }
        } else {
            throw new IllegalArgumentException("cannot encode " + m.getClass().getName() + " as " + m.type());
        }
    }

    // ---------------------------------------------------------------- decoding

    /**
     * Decodes one Mobility Header message, verifying its checksum against the pseudo-header
     * addresses (the home address where a Home Address option or type 2 routing header was
     * present).
     *
     * @param mh exactly the Mobility Header octets, from Payload Proto to the last option
     */
    public MobilityMessage decode(byte[] mh, Ipv6Address checksumSource, Ipv6Address checksumDestination)
            throws MobilityHeaderFormatException {
        checkFraming(mh);
        if (!checksumValid(mh, checksumSource, checksumDestination)) {
            throw new MobilityHeaderFormatException("Checksum", CHECKSUM_OFFSET, FormatReaction.SILENT_DISCARD,
                    String.format("0x%04x does not verify for %s -> %s", NetworkOrder.u16(mh, CHECKSUM_OFFSET),
                            checksumSource, checksumDestination));
        }
        return decodeFramed(mh);
    }

    /**
     * Decodes one Mobility Header message without checking the checksum, for transports that
     * verified it already (a raw socket with kernel checksumming) or that carry no
     * pseudo-header (a DTLS channel). Everything else is checked as in {@link #decode}.
     */
    public MobilityMessage decodeTrustingChecksum(byte[] mh) throws MobilityHeaderFormatException {
        checkFraming(mh);
        return decodeFramed(mh);
    }

    private static void checkFraming(byte[] mh) throws MobilityHeaderFormatException {
        if (mh == null || mh.length < 8) {
            throw new MobilityHeaderFormatException("Header Len", 1, FormatReaction.SILENT_DISCARD,
                    (mh == null ? 0 : mh.length) + " octets received; a Mobility Header is at least 8");
        }
        int declared = (NetworkOrder.u8(mh, 1) + 1) * 8;
        if (declared != mh.length) {
            throw new MobilityHeaderFormatException("Header Len", 1, FormatReaction.SILENT_DISCARD,
                    "declares " + declared + " octets but " + mh.length + " were received");
        }
    }

    private MobilityMessage decodeFramed(byte[] mh) throws MobilityHeaderFormatException {
        int payloadProto = NetworkOrder.u8(mh, 0);
        if (payloadProto != PAYLOAD_PROTO_NONE) {
            throw new MobilityHeaderFormatException("Payload Proto", 0, FormatReaction.ICMP_PARAMETER_PROBLEM,
                    "is " + payloadProto + ", must be 59");
        }
        int typeCode = NetworkOrder.u8(mh, 2);
        if (typeCode == HOME_AGENT_SWITCH) {
            return decodeHomeAgentSwitch(mh);
        }
        if (typeCode >= FIXED_LENGTH.length) {
            throw new MobilityHeaderFormatException("MH Type", 2, FormatReaction.BINDING_ERROR_UNRECOGNIZED_TYPE,
                    MobilityHeaderType.of(typeCode) + " is not recognised");
        }
        int headerLen = NetworkOrder.u8(mh, 1);
        if (headerLen < MIN_HEADER_LEN[typeCode]) {
            throw new MobilityHeaderFormatException("Header Len", 1, FormatReaction.ICMP_PARAMETER_PROBLEM,
                    "is " + headerLen + ", below the minimum " + MIN_HEADER_LEN[typeCode] + " for "
                            + MobilityHeaderType.of(typeCode));
        }
        List<MobilityOption> options = decodeOptions(mh, 6 + FIXED_LENGTH[typeCode]);
        switch (typeCode) {
            case 0:
                return new BindingRefreshRequest(options);
            case 1:
                return new HomeTestInit(NetworkOrder.u64(mh, 8), options);
            case 2:
                return new CareOfTestInit(NetworkOrder.u64(mh, 8), options);
            case 3:
                return new HomeTest(NetworkOrder.u16(mh, 6), NetworkOrder.u64(mh, 8), NetworkOrder.u64(mh, 16), options);
            case 4:
                return new CareOfTest(NetworkOrder.u16(mh, 6), NetworkOrder.u64(mh, 8), NetworkOrder.u64(mh, 16), options);
            case 5:
                return new BindingUpdate(SequenceNumber.of(NetworkOrder.u16(mh, 6)),
                        BindingUpdate.flagsFromBits(NetworkOrder.u16(mh, 8)),
                        Lifetime.ofUnits(NetworkOrder.u16(mh, 10)), options);
            case 6:
                return new BindingAcknowledgement(BindingAckStatus.of(NetworkOrder.u8(mh, 6)),
                        BindingAcknowledgement.flagsFromBits(NetworkOrder.u8(mh, 7)),
                        SequenceNumber.of(NetworkOrder.u16(mh, 8)), Lifetime.ofUnits(NetworkOrder.u16(mh, 10)), options);
            default:
                return new BindingError(BindingErrorStatus.of(NetworkOrder.u8(mh, 6)), Ipv6Address.fromBytes(mh, 8),
                        options);
        }
    }

    /** RFC 5142 §4: the address count decides where the options start; it must fit Header Len. */
    private MobilityMessage decodeHomeAgentSwitch(byte[] mh) throws MobilityHeaderFormatException {
        int count = NetworkOrder.u8(mh, 6);
        int optionsStart = 8 + 16 * count;
        if (optionsStart > mh.length) {
            throw new MobilityHeaderFormatException("Header Len", 1, FormatReaction.ICMP_PARAMETER_PROBLEM,
                    "is " + NetworkOrder.u8(mh, 1) + ": " + mh.length + " octets cannot hold the " + count
                            + " home agent addresses that # of Addresses (offset 6) declares; "
                            + optionsStart + " are needed");
        }
        Ipv6Address[] agents = new Ipv6Address[count];
        for (int i = 0; i < count; i++) {
            agents[i] = Ipv6Address.fromBytes(mh, 8 + 16 * i);
        }
        List<MobilityOption> options = decodeOptions(mh, optionsStart);
        try {
            return new HomeAgentSwitch(List.of(agents), options);
        } catch (IllegalArgumentException e) {
            throw new MobilityHeaderFormatException("Home Agent Addresses", 8, FormatReaction.SILENT_DISCARD,
                    e.getMessage());
        }
    }

    private List<MobilityOption> decodeOptions(byte[] mh, int start) throws MobilityHeaderFormatException {
        int end = mh.length;
        int count = countOptions(mh, start, end);
        if (count == 0) {
            return List.of();
        }
        MobilityOption[] found = new MobilityOption[count];
        int n = 0;
        int i = start;
        while (i < end) {
            int type = NetworkOrder.u8(mh, i);
            if (type == Pad1.TYPE) {
                i++;
                continue;
            }
            int length = NetworkOrder.u8(mh, i + 1);
            if (type != PadN.TYPE) {
                found[n++] = readOption(mh, type, i + 2, length);
            }
            i += 2 + length;
        }
        // List.of(array) copies the array; a list of one or two holds its options in fields.
        return switch (count) {
            case 1 -> List.of(found[0]);
            case 2 -> List.of(found[0], found[1]);
            default -> List.of(found);
        };
    }

    /** Checks every option's bounds and counts the options that are not padding. */
    private int countOptions(byte[] mh, int start, int end) throws MobilityHeaderFormatException {
        int count = 0;
        int i = start;
        while (i < end) {
            int type = NetworkOrder.u8(mh, i);
            if (type == Pad1.TYPE) {
                i++;
                continue;
            }
            if (i + 1 >= end) {
                throw new MobilityHeaderFormatException(registry.name(type) + " option length", i + 1,
                        FormatReaction.SILENT_DISCARD, "missing: the option of type " + type + " at offset " + i
                        + " is cut off by the end of the message");
            }
            int length = NetworkOrder.u8(mh, i + 1);
            int dataOffset = i + 2;
            if (dataOffset + length > end) {
                throw new MobilityHeaderFormatException(registry.name(type) + " option length", i + 1,
                        FormatReaction.SILENT_DISCARD, "is " + length + ", which runs "
                        + (dataOffset + length - end) + " octets past the end of the message");
            }
            if (type != PadN.TYPE) {
                count++;
            }
            i = dataOffset + length;
        }
        return count;
    }

    private MobilityOption readOption(byte[] mh, int type, int dataOffset, int length)
            throws MobilityHeaderFormatException {
        MobilityOptionCodec<?> codec = registry.codecOrNull(type);
        if (codec == null) {
            return new UnknownOption(type, Arrays.copyOfRange(mh, dataOffset, dataOffset + length));
        }
        try {
            MobilityOption option = codec.read(mh, dataOffset, length);
            if (option == null) {
                throw new MobilityHeaderFormatException(codec.name() + " option", dataOffset - 2,
                        FormatReaction.SILENT_DISCARD, "its codec returned no value");
            }
            return option;
        } catch (RuntimeException e) {
            // A codec registered by another module must not break the receive loop.
            throw new MobilityHeaderFormatException(codec.name() + " option", dataOffset - 2,
                    FormatReaction.SILENT_DISCARD, "could not be read: " + e.getMessage());
        }
    }
}
