package org.mip6kit.tck.reference;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.SecurityProviderException;
import org.mip6kit.wire.BindingAcknowledgement;
import org.mip6kit.wire.BindingError;
import org.mip6kit.wire.BindingRefreshRequest;
import org.mip6kit.wire.BindingUpdate;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.MobilityHeaderCodec;
import org.mip6kit.wire.MobilityHeaderType;
import org.mip6kit.wire.MobilityMessage;
import org.mip6kit.wire.MobilityOption;

/**
 * The reference provider's authenticator: the first 128 bits of HMAC-SHA256 under the node's
 * key over
 * <pre>
 *   pseudo-header source (16) ‖ pseudo-header destination (16) ‖
 *   Mobility Header octets from Payload Proto up to (not including) the authenticator value,
 *   with the Checksum field set to 0
 * </pre>
 * The pseudo-header addresses are the home address (from the Home Address option or the type 2
 * routing header) and the home agent, so a rewritten home address fails; the care-of address
 * travels inside the message in the Alternate Care-of Address option (the provider declares
 * NEEDS_ALTERNATE_COA), so a rewritten IPv6 source cannot redirect a binding.
 */
final class HmacAuthenticator {

    private static final long NTP_EPOCH_OFFSET = 2_208_988_800L;

    private HmacAuthenticator() {
    }

    static long ntp(Instant t) {
        long seconds = t.getEpochSecond() + NTP_EPOCH_OFFSET;
        long fraction = ((long) t.getNano() << 32) / 1_000_000_000L;
        return (seconds << 32) | fraction;
    }

    static Instant fromNtp(long ntp) {
        long seconds = (ntp >>> 32) - NTP_EPOCH_OFFSET;
        long nanos = ((ntp & 0xFFFF_FFFFL) * 1_000_000_000L) >>> 32;
        return Instant.ofEpochSecond(seconds, nanos);
    }

    /**
     * The offset of the authenticator value in {@code mh}, or -1 unless the message's last
     * option (padding aside) is a well-formed {@link AuthenticatorOption}.
     */
    static int macOffset(byte[] mh) {
        if (mh.length < 8) {
            return -1;
        }
        int fixed;
        try {
            fixed = MobilityHeaderCodec.fixedPartLength(MobilityHeaderType.of(mh[2] & 0xFF));
        } catch (IllegalArgumentException e) {
            return -1;
        }
        int found = -1;
        int i = 6 + fixed;
        while (i < mh.length) {
            int type = mh[i] & 0xFF;
            if (type == 0) {
                i++;
                continue;
            }
            if (i + 1 >= mh.length) {
                return -1;
            }
            int length = mh[i + 1] & 0xFF;
            if (i + 2 + length > mh.length) {
                return -1;
            }
            if (type != 1) {
                found = type == AuthenticatorOption.TYPE && length == AuthenticatorOption.DATA_LENGTH
                        ? i + 2 + AuthenticatorOption.MAC_OFFSET_IN_DATA : -1;
            }
            i += 2 + length;
        }
        return found;
    }

    static byte[] mac(byte[] key, byte[] mh, int macOffset, Ipv6Address source, Ipv6Address destination) {
        try {
            Mac hmac = Mac.getInstance("HmacSHA256");
            hmac.init(new SecretKeySpec(key, "HmacSHA256"));
            hmac.update(source.toBytes());
            hmac.update(destination.toBytes());
            byte[] covered = Arrays.copyOf(mh, macOffset);
            covered[MobilityHeaderCodec.CHECKSUM_OFFSET] = 0;
            covered[MobilityHeaderCodec.CHECKSUM_OFFSET + 1] = 0;
            hmac.update(covered);
            return Arrays.copyOf(hmac.doFinal(), AuthenticatorOption.MAC_LENGTH);
        } catch (GeneralSecurityException e) {
            throw new SecurityProviderException("HMAC-SHA256 is not available in this JVM", e);
        }
    }

    /**
     * Encodes {@code message}, whose last option is an unsigned {@link AuthenticatorOption}, then
     * fills in the authenticator and the checksum for {@code to}.
     */
    static byte[] protect(MobilityHeaderCodec codec, MobilityMessage message, Addressing to, byte[] key) {
        byte[] mh = codec.encodeWithoutChecksum(message);
        int at = macOffset(mh);
        if (at < 0) {
            throw new IllegalStateException("the authenticator must be the last option of " + message.type());
        }
        byte[] mac = mac(key, mh, at, to.pseudoHeaderSource(), to.pseudoHeaderDestination());
        System.arraycopy(mac, 0, mh, at, mac.length);
        MobilityHeaderCodec.fillChecksum(mh, to.pseudoHeaderSource(), to.pseudoHeaderDestination());
        return mh;
    }

    /** Whether the authenticator in {@code mh} is right for {@code key} and the addressing it arrived with. */
    static boolean verifies(byte[] mh, Addressing as, byte[] key) {
        int at = macOffset(mh);
        if (at < 0) {
            return false;
        }
        byte[] expected = mac(key, mh, at, as.pseudoHeaderSource(), as.pseudoHeaderDestination());
        return MessageDigest.isEqual(expected, Arrays.copyOfRange(mh, at, at + AuthenticatorOption.MAC_LENGTH));
    }

    /** {@code message} with {@code options} instead of its own. */
    static MobilityMessage withOptions(MobilityMessage message, List<MobilityOption> options) {
        if (message instanceof BindingUpdate bu) {
            return new BindingUpdate(bu.sequence(), bu.flags(), bu.lifetime(), options);
        }
        if (message instanceof BindingAcknowledgement ba) {
            return new BindingAcknowledgement(ba.status(), ba.flags(), ba.sequence(), ba.lifetime(), options);
        }
        if (message instanceof BindingError be) {
            return new BindingError(be.status(), be.homeAddress(), options);
        }
        if (message instanceof BindingRefreshRequest) {
            return new BindingRefreshRequest(options);
        }
        throw new SecurityProviderException("reference-hmac does not send " + message.type());
    }
}
