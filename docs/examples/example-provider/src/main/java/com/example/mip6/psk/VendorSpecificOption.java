package com.example.mip6.psk;

import java.util.Arrays;
import java.util.HexFormat;

import org.mip6kit.wire.Alignment;
import org.mip6kit.wire.FormatReaction;
import org.mip6kit.wire.MobilityHeaderFormatException;
import org.mip6kit.wire.MobilityOption;
import org.mip6kit.wire.MobilityOptionCodec;
import org.mip6kit.wire.NetworkOrder;

/**
 * The Vendor-Specific Mobility Option (RFC 5094 §3), type 19, alignment 4n+2 (so the Vendor ID
 * sits on a 4-octet boundary). Option Length counts the Vendor ID, the Sub-Type and the data.
 * <pre>
 *                                  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *                                  |  Type = 19    |    Length     |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                         Vendor ID                             |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |   Sub-Type    |                 Data.......
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * The Vendor ID is an IANA Private Enterprise Number. This codec knows every vendor's option:
 * one whose Vendor ID or Sub-Type is not ours decodes to a value like any other, and the
 * provider simply does not treat it as an authenticator. Registering the codec through
 * {@link org.mip6kit.spi.SecurityProviderFactory#optionCodecs()} is what lets the engine's
 * strict decoder accept and encode it.
 *
 * <p>Immutable; {@link #data()} returns a copy.
 */
public final class VendorSpecificOption implements MobilityOption {

    public static final int TYPE = 19;
    /** RFC 5094 §3: 4n+2. */
    public static final Alignment ALIGNMENT = Alignment.of(4, 2);
    /** Vendor ID (4) + Sub-Type (1). */
    public static final int HEADER_LENGTH = 5;
    /** Option data is at most 255 octets, so the vendor's own data at most 250. */
    public static final int MAX_DATA_LENGTH = 255 - HEADER_LENGTH;

    private final long vendorId;
    private final int subType;
    private final byte[] data;

    /**
     * @param vendorId an IANA Private Enterprise Number, 0..2^32-1
     * @param subType 0..255, the vendor's own sub-type
     * @param data 0..250 octets (copied)
     */
    public VendorSpecificOption(long vendorId, int subType, byte[] data) {
        if (vendorId < 0 || vendorId > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("vendor ID " + vendorId + " outside 0..4294967295");
        }
        if (subType < 0 || subType > 255) {
            throw new IllegalArgumentException("sub-type " + subType + " outside 0..255");
        }
        if (data == null || data.length > MAX_DATA_LENGTH) {
            throw new IllegalArgumentException("vendor data is 0.." + MAX_DATA_LENGTH + " octets");
        }
        this.vendorId = vendorId;
        this.subType = subType;
        this.data = data.clone();
    }

    public long vendorId() {
        return vendorId;
    }

    public int subType() {
        return subType;
    }

    /** A copy of the vendor data (after the Sub-Type). */
    public byte[] data() {
        return data.clone();
    }

    @Override
    public int type() {
        return TYPE;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VendorSpecificOption v && v.vendorId == vendorId && v.subType == subType
                && Arrays.equals(v.data, data);
    }

    @Override
    public int hashCode() {
        return (Long.hashCode(vendorId) * 31 + subType) * 31 + Arrays.hashCode(data);
    }

    /** The data is a counter and a MAC, never a key, so it may be shown. */
    @Override
    public String toString() {
        return "VendorSpecificOption[vendor=" + vendorId + ", subType=" + subType + ", data="
                + HexFormat.of().formatHex(data) + "]";
    }

    /** Reads and writes option type 19; stateless and thread-safe. */
    public static final MobilityOptionCodec<VendorSpecificOption> CODEC = new MobilityOptionCodec<>() {
        @Override
        public int type() {
            return TYPE;
        }

        @Override
        public String name() {
            return "Vendor Specific";
        }

        @Override
        public Class<VendorSpecificOption> optionClass() {
            return VendorSpecificOption.class;
        }

        @Override
        public Alignment alignment() {
            return ALIGNMENT;
        }

        @Override
        public int dataLength(VendorSpecificOption o) {
            return HEADER_LENGTH + o.data.length;
        }

        @Override
        public void write(VendorSpecificOption o, byte[] out, int offset) {
            NetworkOrder.put32(out, offset, o.vendorId);
            out[offset + 4] = (byte) o.subType;
            System.arraycopy(o.data, 0, out, offset + HEADER_LENGTH, o.data.length);
        }

        @Override
        public VendorSpecificOption read(byte[] mh, int offset, int length) throws MobilityHeaderFormatException {
            if (length < HEADER_LENGTH) {
                throw new MobilityHeaderFormatException(name() + " option length", offset - 1,
                        FormatReaction.SILENT_DISCARD, "is " + length + ", must be at least " + HEADER_LENGTH
                        + " (Vendor ID and Sub-Type)");
            }
            return new VendorSpecificOption(NetworkOrder.u32(mh, offset), NetworkOrder.u8(mh, offset + 4),
                    Arrays.copyOfRange(mh, offset + HEADER_LENGTH, offset + length));
        }
    };
}
