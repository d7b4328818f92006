package com.example.mip6.psk;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.mip6kit.spi.Addressing;
import org.mip6kit.wire.BindingAcknowledgement;
import org.mip6kit.wire.BindingError;
import org.mip6kit.wire.BindingRefreshRequest;
import org.mip6kit.wire.BindingUpdate;
import org.mip6kit.wire.MobilityHeaderCodec;
import org.mip6kit.wire.MobilityHeaderType;
import org.mip6kit.wire.MobilityMessage;
import org.mip6kit.wire.MobilityOption;
import org.mip6kit.wire.NetworkOrder;

/**
 * The example-psk authenticator: a {@link VendorSpecificOption} with our Vendor ID and
 * Sub-Type, always the last option of the message, carrying a 64-bit counter and a 128-bit MAC.
 * <pre>
 *  offset in option   field
 *   0                 Type = 19
 *   1                 Length = 29
 *   2..5              Vendor ID = 32473 (the IANA example enterprise number, RFC 5612)
 *   6                 Sub-Type = 1 (authenticator)
 *   7..14             Counter, 64 bits: microseconds on the sender's clock, strictly increasing
 *  15..30             MAC = first 16 octets of HMAC-SHA256(key,
 *                          pseudo-header source ‖ pseudo-header destination ‖
 *                          Mobility Header octets 0 .. offset 14 of this option, Checksum = 0)
 * </pre>
 * The pseudo-header addresses are those of the checksum (RFC 6275 §6.1.1): the home address
 * when a Home Address option or type 2 routing header is present. The care-of address is not
 * in the pseudo-header; it is covered because the mobile node carries it in an Alternate
 * Care-of Address (or IPv4 Care-of Address) option, which precedes the authenticator. Only
 * padding may follow the authenticator, and its octets must be zero, so nothing after the MAC
 * can be changed either.
 *
 * <p>Stateless; all methods are thread-safe.
 */
final class PskAuthenticator {

    /** IANA Private Enterprise Number 32473, reserved for documentation (RFC 5612). */
    static final long VENDOR_ID = 32473;
    static final int SUB_TYPE = 1;
    static final int COUNTER_OCTETS = 8;
    static final int MAC_OCTETS = 16;
    /** Octets from the option's Type octet to the first MAC octet. */
    static final int MAC_OFFSET = 2 + VendorSpecificOption.HEADER_LENGTH + COUNTER_OCTETS;
    /** Type + Length + data. */
    static final int OPTION_OCTETS = MAC_OFFSET + MAC_OCTETS;

    private PskAuthenticator() {
    }

    /** Our option with {@code counter} and an all-zero MAC, filled in by {@link #encodeSigned}. */
    static VendorSpecificOption placeholder(long counter) {
        byte[] data = new byte[COUNTER_OCTETS + MAC_OCTETS];
        NetworkOrder.put64(data, 0, counter);
        return new VendorSpecificOption(VENDOR_ID, SUB_TYPE, data);
    }

    static boolean isOurs(MobilityOption option) {
        return option instanceof VendorSpecificOption v && v.vendorId() == VENDOR_ID && v.subType() == SUB_TYPE;
    }

    /** How many of the message's options are authenticators of ours (a valid message has exactly one). */
    static long countIn(MobilityMessage message) {
        return message.options().stream().filter(PskAuthenticator::isOurs).count();
    }

    /**
     * Encodes {@code message} with {@code extra} options and the authenticator appended (last),
     * signs it for {@code to}'s pseudo-header with {@code key}, and fills in the checksum.
     */
    static byte[] encodeSigned(MobilityHeaderCodec codec, MobilityMessage message, List<MobilityOption> extra,
                               long counter, Addressing to, PresharedKey key) {
        List<MobilityOption> options = new ArrayList<>(message.options());
        options.addAll(extra);
        options.add(placeholder(counter));
        byte[] mh = codec.encodeWithoutChecksum(withOptions(message, options));
        int at = locate(mh).orElseThrow(() -> new IllegalStateException("the authenticator is not the last option"));
        byte[] mac = mac(key, mh, at, to);
        System.arraycopy(mac, 0, mh, at + MAC_OFFSET, MAC_OCTETS);
        MobilityHeaderCodec.fillChecksum(mh, to.pseudoHeaderSource(), to.pseudoHeaderDestination());
        return mh;
    }

    /**
     * The offset of the authenticator option in {@code mh}, if the last option is one of ours with
     * the right length and only zero padding follows it. {@code mh} must already have passed the
     * engine's strict decoding (framing and option bounds are known good).
     */
    static Optional<Integer> locate(byte[] mh) {
        MobilityHeaderType type = MobilityHeaderType.of(NetworkOrder.u8(mh, 2));
        int i = 6 + MobilityHeaderCodec.fixedPartLength(type);
        int last = -1;
        int lastEnd = -1;
        while (i < mh.length) {
            int t = NetworkOrder.u8(mh, i);
            if (t == 0) {
                i++;
                continue;
            }
            if (i + 1 >= mh.length || i + 2 + NetworkOrder.u8(mh, i + 1) > mh.length) {
                return Optional.empty();
            }
            int end = i + 2 + NetworkOrder.u8(mh, i + 1);
            if (t != 1) {
                last = i;
                lastEnd = end;
            }
            i = end;
        }
        if (last < 0 || lastEnd - last != OPTION_OCTETS || NetworkOrder.u8(mh, last) != VendorSpecificOption.TYPE
                || NetworkOrder.u32(mh, last + 2) != VENDOR_ID || NetworkOrder.u8(mh, last + 6) != SUB_TYPE) {
            return Optional.empty();
        }
        // Only padding follows (the loop saw no other option): its octets, except PadN's type
        // and length, must all be zero, so they cannot carry anything the MAC does not cover.
        for (int k = lastEnd; k < mh.length; k++) {
            int t = NetworkOrder.u8(mh, k);
            if (t == 1) {
                int n = NetworkOrder.u8(mh, k + 1);
                for (int j = k + 2; j < k + 2 + n; j++) {
                    if (mh[j] != 0) {
                        return Optional.empty();
                    }
                }
                k += 1 + n;
            }
        }
        return Optional.of(last);
    }

    static long counterAt(byte[] mh, int at) {
        return NetworkOrder.u64(mh, at + 2 + VendorSpecificOption.HEADER_LENGTH);
    }

    /** True when the MAC at {@code at} is right for {@code key} and the message's addressing. Constant time. */
    static boolean verify(byte[] mh, int at, Addressing addressing, PresharedKey key) {
        byte[] expected = mac(key, mh, at, addressing);
        byte[] received = Arrays.copyOfRange(mh, at + MAC_OFFSET, at + MAC_OFFSET + MAC_OCTETS);
        return MessageDigest.isEqual(expected, received);
    }

    /** The truncated HMAC over the pseudo-header addresses and the octets before the MAC, checksum zeroed. */
    static byte[] mac(PresharedKey key, byte[] mh, int at, Addressing addressing) {
        byte[] covered = Arrays.copyOf(mh, at + MAC_OFFSET);
        covered[MobilityHeaderCodec.CHECKSUM_OFFSET] = 0;
        covered[MobilityHeaderCodec.CHECKSUM_OFFSET + 1] = 0;
        byte[] full = key.hmac(addressing.pseudoHeaderSource().toBytes(),
                addressing.pseudoHeaderDestination().toBytes(), covered);
        return Arrays.copyOf(full, MAC_OCTETS);
    }

    /** The same message with another option list (the message types this provider protects). */
    static MobilityMessage withOptions(MobilityMessage m, List<MobilityOption> options) {
        if (m instanceof BindingUpdate bu) {
            return new BindingUpdate(bu.sequence(), bu.flags(), bu.lifetime(), options);
        }
        if (m instanceof BindingAcknowledgement ba) {
            return new BindingAcknowledgement(ba.status(), ba.flags(), ba.sequence(), ba.lifetime(), options);
        }
        if (m instanceof BindingRefreshRequest) {
            return new BindingRefreshRequest(options);
        }
        if (m instanceof BindingError be) {
            return new BindingError(be.status(), be.homeAddress(), options);
        }
        throw new IllegalArgumentException("example-psk does not protect " + m.type());
    }
}
