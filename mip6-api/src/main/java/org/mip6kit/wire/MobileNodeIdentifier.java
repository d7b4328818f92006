package org.mip6kit.wire;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The Mobile Node Identifier option (RFC 4283 §3), type 8, no alignment requirement.
 * Subtype 1 is a Network Access Identifier ({@code user@realm}, RFC 7542), carried as
 * UTF-8 octets without a terminator. Option Length counts the Subtype octet and the
 * identifier. Other subtypes (RFC 8371) keep their octets.
 * <pre>
 *                                  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *                                  |   Type = 8    | Option Length |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  Subtype      |          Identifier ...
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class MobileNodeIdentifier implements MobilityOption {

    public static final int TYPE = 8;
    public static final int SUBTYPE_NAI = 1;
    /** The identifier may fill the rest of a 255-octet option after the subtype octet. */
    public static final int MAX_IDENTIFIER_LENGTH = 254;

    private final int subtype;
    private final byte[] identifier;

    public MobileNodeIdentifier(int subtype, byte[] identifier) {
        this(subtype, identifier == null ? null : identifier.clone(), true);
    }

    /** Takes ownership of {@code identifier} (the decoder's fresh copy). */
    private MobileNodeIdentifier(int subtype, byte[] identifier, boolean owned) {
        if (subtype < 0 || subtype > 255) {
            throw new IllegalArgumentException("subtype " + subtype + " outside 0..255");
        }
        if (identifier == null || identifier.length == 0 || identifier.length > MAX_IDENTIFIER_LENGTH) {
            throw new IllegalArgumentException("the identifier is 1.." + MAX_IDENTIFIER_LENGTH + " octets");
        }
        this.subtype = subtype;
        this.identifier = identifier;
    }

    /** An NAI identifier (subtype 1). */
    public static MobileNodeIdentifier nai(String nai) {
        if (nai == null) {
            throw new IllegalArgumentException("nai is required");
        }
        return new MobileNodeIdentifier(SUBTYPE_NAI, nai.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Whether this is a NAI identifier (subtype 1) holding exactly the UTF-8 octets of
     * {@code nai}: the same answer as {@code isNai() && nai().equals(nai)}, without decoding a
     * String when {@code nai} is ASCII (a check a home agent makes for every Binding Update).
     */
    public boolean namesNai(String nai) {
        if (subtype != SUBTYPE_NAI || nai == null) {
            return false;
        }
        int n = nai.length();
        if (n == identifier.length) {
            int i = 0;
            for (; i < n; i++) {
                char c = nai.charAt(i);
                if (c >= 0x80) {
                    break; // a multi-octet character: compare the decoded text below
                }
                if (identifier[i] != (byte) c) {
                    return false; // the octets before were all ASCII, so they line up
                }
            }
            if (i == n) {
                return true;
            }
        }
        return nai().equals(nai);
    }

    public int subtype() {
        return subtype;
    }

    /** A copy of the identifier octets. */
    public byte[] identifier() {
        return identifier.clone();
    }

    public boolean isNai() {
        return subtype == SUBTYPE_NAI;
    }

    /** The NAI as text (malformed UTF-8 becomes U+FFFD). Only meaningful for subtype 1. */
    public String nai() {
        return new String(identifier, StandardCharsets.UTF_8);
    }

    @Override
    public int type() {
        return TYPE;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MobileNodeIdentifier m && m.subtype == subtype && Arrays.equals(m.identifier, identifier);
    }

    @Override
    public int hashCode() {
        return 31 * subtype + Arrays.hashCode(identifier);
    }

    @Override
    public String toString() {
        return isNai() ? "MobileNodeIdentifier[nai=" + nai() + "]"
                : "MobileNodeIdentifier[subtype=" + subtype + ", identifier=" + HexFormat.of().formatHex(identifier) + "]";
    }

    public static final MobilityOptionCodec<MobileNodeIdentifier> CODEC = new MobilityOptionCodec<>() {
        @Override public int type() { return TYPE; }
        @Override public String name() { return "Mobile Node Identifier"; }
        @Override public Class<MobileNodeIdentifier> optionClass() { return MobileNodeIdentifier.class; }
        @Override public Alignment alignment() { return Alignment.NONE; }
        @Override public int dataLength(MobileNodeIdentifier o) { return 1 + o.identifier.length; }

        @Override
        public void write(MobileNodeIdentifier o, byte[] out, int offset) {
            out[offset] = (byte) o.subtype;
            System.arraycopy(o.identifier, 0, out, offset + 1, o.identifier.length);
        }

        @Override
        public MobileNodeIdentifier read(byte[] mh, int offset, int length) throws MobilityHeaderFormatException {
            if (length < 2) {
                throw new MobilityHeaderFormatException(name() + " option length", offset - 1,
                        FormatReaction.SILENT_DISCARD, "is " + length + ", must be at least 2 (subtype and identifier)");
            }
            return new MobileNodeIdentifier(NetworkOrder.u8(mh, offset), Arrays.copyOfRange(mh, offset + 1, offset + length),
                    true);
        }
    };
}
