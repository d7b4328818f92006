package org.mip6kit.wire;

import java.util.List;
import java.util.Set;

/**
 * Binding Update, MH Type 5 (RFC 6275 §6.1.7): a mobile node asks a node to bind its home
 * address to a care-of address for a lifetime. Minimum Header Len 1.
 * <pre>
 *                                  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *                                  |          Sequence #           |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |A|H|L|K|M|R|P|F|T|B|S|D| Rsv.  |            Lifetime           |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                        Mobility options                       |
 * </pre>
 * A lifetime of zero (or a care-of address equal to the home address) is a deregistration.
 */
public record BindingUpdate(SequenceNumber sequence, Set<Flag> flags, Lifetime lifetime, List<MobilityOption> options)
        implements MobilityMessage {

    /** The flags of the 16-bit field at offset 8; the low four bits are reserved. */
    public enum Flag {
        /** A: a Binding Acknowledgement is requested (RFC 6275). */
        ACKNOWLEDGE('A', 0x8000),
        /** H: home registration (RFC 6275). */
        HOME_REGISTRATION('H', 0x4000),
        /** L: the home address shares its interface identifier with the link-local address (RFC 6275). */
        LINK_LOCAL_COMPATIBILITY('L', 0x2000),
        /** K: the key management protocol can survive movement (RFC 6275). */
        KEY_MANAGEMENT_MOBILITY('K', 0x1000),
        /** M: MAP registration (RFC 5380). */
        MAP_REGISTRATION('M', 0x0800),
        /** R: mobile router (RFC 3963). */
        MOBILE_ROUTER('R', 0x0400),
        /** P: proxy registration (RFC 5213). */
        PROXY_REGISTRATION('P', 0x0200),
        /** F: force UDP encapsulation (RFC 5555). */
        FORCE_UDP_ENCAPSULATION('F', 0x0100),
        /** T: TLV-header format (RFC 5845). */
        TLV_HEADER_FORMAT('T', 0x0080),
        /** B: bulk binding update (RFC 6602). */
        BULK_BINDING_UPDATE('B', 0x0040),
        /** S: per RFC 7161. */
        S('S', 0x0020),
        /** D: per RFC 8885. */
        D('D', 0x0010);

        private final char letter;
        private final int mask;

        Flag(char letter, int mask) {
            this.letter = letter;
            this.mask = mask;
        }

        /** The RFC's one-letter name. */
        public char letter() {
            return letter;
        }

        /** The bit in the 16-bit flags field. */
        public int mask() {
            return mask;
        }
    }

    /** Every defined flag bit. */
    public static final int DEFINED_FLAG_BITS = 0xFFF0;

    private static final Flag[] FLAGS = Flag.values();
    private static final FlagTable<Flag> TABLE = new FlagTable<>(Flag.class, Flag::mask);

    public BindingUpdate {
        if (sequence == null || flags == null || lifetime == null) {
            throw new IllegalArgumentException("sequence, flags and lifetime are required");
        }
        flags = flagsFromBits(bitsOf(flags));
        options = MessageOptions.check(options);
    }

    @Override
    public MobilityHeaderType type() {
        return MobilityHeaderType.BINDING_UPDATE;
    }

    public boolean has(Flag flag) {
        return flags.contains(flag);
    }

    /** The 16-bit flags field as sent. */
    public int flagBits() {
        return bitsOf(flags);
    }

    /** Lifetime zero: delete the binding (the other deregistration form, CoA = HoA, needs addressing). */
    public boolean isLifetimeZero() {
        return lifetime.isZero();
    }

    /** The immutable flag set for a 16-bit flags field; reserved bits are ignored. */
    public static Set<Flag> flagsFromBits(int bits) {
        return TABLE.fromBits(bits);
    }

    static int bitsOf(Set<Flag> flags) {
        return TABLE.toBits(flags);
    }

    /** Flags as letters in wire order, e.g. {@code "AHK"}. */
    public String flagLetters() {
        StringBuilder sb = new StringBuilder();
        for (Flag f : FLAGS) {
            if (flags.contains(f)) {
                sb.append(f.letter);
            }
        }
        return sb.toString();
    }
}
