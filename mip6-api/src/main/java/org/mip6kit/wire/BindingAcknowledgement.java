package org.mip6kit.wire;

import java.util.List;
import java.util.Set;

/**
 * Binding Acknowledgement, MH Type 6 (RFC 6275 §6.1.8): the answer to a Binding Update.
 * The sequence number is copied from the Binding Update, except with status 135, where it is
 * the last sequence number the receiver accepted. Minimum Header Len 1.
 * <pre>
 *                                  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *                                  |    Status     |K|R|P|T|B|S|D|r|
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |           Sequence #          |            Lifetime           |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                        Mobility options                       |
 * </pre>
 */
public record BindingAcknowledgement(BindingAckStatus status, Set<Flag> flags, SequenceNumber sequence,
                                     Lifetime lifetime, List<MobilityOption> options) implements MobilityMessage {

    /** The flags of the octet at offset 7; the lowest bit is reserved. */
    public enum Flag {
        /** K: the home agent's IKE SA will follow the care-of address (RFC 6275). */
        KEY_MANAGEMENT_MOBILITY('K', 0x80),
        /** R: the home agent supports mobile routers (RFC 3963). */
        MOBILE_ROUTER('R', 0x40),
        /** P: proxy registration (RFC 5213). */
        PROXY_REGISTRATION('P', 0x20),
        /** T: TLV-header format (RFC 5845). */
        TLV_HEADER_FORMAT('T', 0x10),
        /** B: bulk binding update (RFC 6602). */
        BULK_BINDING_UPDATE('B', 0x08),
        /** S: per RFC 7161. */
        S('S', 0x04),
        /** D: per RFC 8885. */
        D('D', 0x02);

        private final char letter;
        private final int mask;

        Flag(char letter, int mask) {
            this.letter = letter;
            this.mask = mask;
        }

        public char letter() {
            return letter;
        }

        public int mask() {
            return mask;
        }
    }

    private static final Flag[] FLAGS = Flag.values();
    private static final FlagTable<Flag> TABLE = new FlagTable<>(Flag.class, Flag::mask);

    public BindingAcknowledgement {
        if (status == null || flags == null || sequence == null || lifetime == null) {
            throw new IllegalArgumentException("status, flags, sequence and lifetime are required");
        }
        flags = flagsFromBits(bitsOf(flags));
        options = MessageOptions.check(options);
    }

    @Override
    public MobilityHeaderType type() {
        return MobilityHeaderType.BINDING_ACKNOWLEDGEMENT;
    }

    public boolean has(Flag flag) {
        return flags.contains(flag);
    }

    public boolean isAccepted() {
        return status.isAccepted();
    }

    /** The flags octet as sent. */
    public int flagBits() {
        return bitsOf(flags);
    }

    /** The immutable flag set for a flags octet; the reserved bit is ignored. */
    public static Set<Flag> flagsFromBits(int bits) {
        return TABLE.fromBits(bits);
    }

    static int bitsOf(Set<Flag> flags) {
        return TABLE.toBits(flags);
    }

    /** Flags as letters in wire order, e.g. {@code "K"}. */
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
