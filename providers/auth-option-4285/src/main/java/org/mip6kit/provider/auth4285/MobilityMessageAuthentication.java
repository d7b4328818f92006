package org.mip6kit.provider.auth4285;

import java.util.Arrays;
import java.util.HexFormat;

import org.mip6kit.wire.Alignment;
import org.mip6kit.wire.FormatReaction;
import org.mip6kit.wire.MobilityHeaderFormatException;
import org.mip6kit.wire.MobilityOption;
import org.mip6kit.wire.MobilityOptionCodec;

/**
 * The Mobility Message Authentication option (RFC 4285 §5, AUTH-OPTION-TYPE 9;
 * docs/providers/auth-option-4285.md#what-goes-on-the-wire).
 * <pre>
 *                                  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *                                  |  Option Type  | Option Length |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |    Subtype    |                  Mobility SPI                 |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |    (SPI)      |        Authentication Data ...
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * Option Length = 5 + length of the Authentication Data (17 for the 96-bit MN-HA authenticator).
 *
 * <p><b>Alignment.</b> RFC 4285 asks for 4n+1, which puts the SPI on a 4-octet boundary. The
 * option is also the last one and the Mobility Header ends at a multiple of 8, so with the
 * 12-octet MN-HA authenticator (and the 20-octet MN-AAA one) it can only start at 8n+5 without
 * padding after it: this codec declares 8n+5, which satisfies 4n+1 (TV3: offset 45; TV3b:
 * offset 29). The decoder does not check alignment (RFC 6275 §6.2: alignment is the sender's
 * duty).
 *
 * <p>Subtypes: {@link #SUBTYPE_MN_HA} (1) in Binding Updates and Acknowledgements,
 * {@link #SUBTYPE_MN_AAA} (2) in Binding Updates only.
 */
public final class MobilityMessageAuthentication implements MobilityOption {

    /** AUTH-OPTION-TYPE. */
    public static final int TYPE = 9;
    /** MN-HA: authenticated with the mobile node–home agent security association. */
    public static final int SUBTYPE_MN_HA = 1;
    /** MN-AAA: authenticated by the home AAA server. */
    public static final int SUBTYPE_MN_AAA = 2;
    /** The well-known MN-AAA SPI selecting HMAC_SHA1 (RFC 4285 §5.2, §10). */
    public static final long HMAC_SHA1_SPI = 3;
    /** SPIs 0..255 are reserved (RFC 4285 §5.1); configured MN-HA SPIs start here. */
    public static final long FIRST_UNRESERVED_SPI = 256;
    /** Octets of the MN-HA authenticator: the first 96 bits of HMAC-SHA1. */
    public static final int MN_HA_AUTHENTICATOR_LENGTH = 12;
    /** Octets from the option's Type octet to the first octet after the SPI. */
    public static final int OFFSET_AFTER_SPI = 7;

    static final Alignment ALIGNMENT = Alignment.of(8, 5);
    private static final byte[] ZERO_MN_HA_AUTHENTICATOR = new byte[MN_HA_AUTHENTICATOR_LENGTH];

    private final int subtype;
    private final long spi;
    private final byte[] authenticator;

    /**
     * @param subtype 1..255 ({@link #SUBTYPE_MN_HA}, {@link #SUBTYPE_MN_AAA}; others are kept as values)
     * @param spi the 32-bit mobility SPI
     * @param authenticator the Authentication Data, 0..250 octets
     */
    public MobilityMessageAuthentication(int subtype, long spi, byte[] authenticator) {
        this(subtype, spi, authenticator == null ? null : authenticator.clone(), true);
    }

    /** Takes ownership of {@code authenticator} (a fresh array: the decoder's copy, or a placeholder's). */
    private MobilityMessageAuthentication(int subtype, long spi, byte[] authenticator, boolean owned) {
        if (subtype < 0 || subtype > 255) {
            throw new IllegalArgumentException("subtype is one octet, got " + subtype);
        }
        if (spi < 0 || spi > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("the mobility SPI is 32 bits, got " + spi);
        }
        if (authenticator == null || authenticator.length > 250) {
            throw new IllegalArgumentException("the Authentication Data is 0..250 octets");
        }
        this.subtype = subtype;
        this.spi = spi;
        this.authenticator = authenticator;
    }

    /** An option whose authenticator (all zero) the sender fills in after encoding. */
    public static MobilityMessageAuthentication placeholder(int subtype, long spi, int authenticatorLength) {
        // The array is never written (the accessor copies it), so placeholders of the MN-HA length share one.
        return new MobilityMessageAuthentication(subtype, spi, authenticatorLength == MN_HA_AUTHENTICATOR_LENGTH
                ? ZERO_MN_HA_AUTHENTICATOR : new byte[authenticatorLength], true);
    }

    public int subtype() {
        return subtype;
    }

    public boolean isMnHa() {
        return subtype == SUBTYPE_MN_HA;
    }

    public boolean isMnAaa() {
        return subtype == SUBTYPE_MN_AAA;
    }

    public long spi() {
        return spi;
    }

    /** A copy of the Authentication Data. */
    public byte[] authenticator() {
        return authenticator.clone();
    }

    public int authenticatorLength() {
        return authenticator.length;
    }

    @Override
    public int type() {
        return TYPE;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MobilityMessageAuthentication a && a.subtype == subtype && a.spi == spi
                && Arrays.equals(a.authenticator, authenticator);
    }

    @Override
    public int hashCode() {
        return (subtype * 31 + Long.hashCode(spi)) * 31 + Arrays.hashCode(authenticator);
    }

    @Override
    public String toString() {
        String kind = switch (subtype) {
            case SUBTYPE_MN_HA -> "MN-HA";
            case SUBTYPE_MN_AAA -> "MN-AAA";
            default -> "subtype " + subtype;
        };
        // The authenticator is not a secret, but the first octets are enough to tell two apart.
        String head = HexFormat.of().formatHex(authenticator, 0, Math.min(4, authenticator.length));
        return "MobilityMessageAuthentication[" + kind + ", spi=" + spi + ", authenticator=" + head
                + (authenticator.length > 4 ? "…" : "") + " (" + authenticator.length + " octets)]";
    }

    /** The codec registered through {@link AuthOption4285Provider#optionCodecs()}. */
    public static final MobilityOptionCodec<MobilityMessageAuthentication> CODEC = new MobilityOptionCodec<>() {
        @Override
        public int type() {
            return TYPE;
        }

        @Override
        public String name() {
            return "Mobility Message Authentication";
        }

        @Override
        public Class<MobilityMessageAuthentication> optionClass() {
            return MobilityMessageAuthentication.class;
        }

        @Override
        public Alignment alignment() {
            return ALIGNMENT;
        }

        @Override
        public int dataLength(MobilityMessageAuthentication o) {
            return 5 + o.authenticator.length;
        }

        @Override
        public void write(MobilityMessageAuthentication o, byte[] out, int offset) {
            out[offset] = (byte) o.subtype;
            out[offset + 1] = (byte) (o.spi >>> 24);
            out[offset + 2] = (byte) (o.spi >>> 16);
            out[offset + 3] = (byte) (o.spi >>> 8);
            out[offset + 4] = (byte) o.spi;
            System.arraycopy(o.authenticator, 0, out, offset + 5, o.authenticator.length);
        }

        @Override
        public MobilityMessageAuthentication read(byte[] mh, int offset, int length)
                throws MobilityHeaderFormatException {
            if (length < 5) {
                throw new MobilityHeaderFormatException(name() + " option length", offset - 1,
                        FormatReaction.SILENT_DISCARD, "is " + length + ", must be at least 5 (subtype and SPI)");
            }
            long spi = ((mh[offset + 1] & 0xFFL) << 24) | ((mh[offset + 2] & 0xFFL) << 16)
                    | ((mh[offset + 3] & 0xFFL) << 8) | (mh[offset + 4] & 0xFFL);
            return new MobilityMessageAuthentication(mh[offset] & 0xFF, spi,
                    Arrays.copyOfRange(mh, offset + 5, offset + length), true);
        }
    };
}
