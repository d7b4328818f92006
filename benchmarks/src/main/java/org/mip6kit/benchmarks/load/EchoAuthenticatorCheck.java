package org.mip6kit.benchmarks.load;

import java.security.GeneralSecurityException;

import javax.crypto.Mac;

import org.mip6kit.provider.auth4285.MobilityMessageAuthentication;
import org.mip6kit.spi.Addressing;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.MobilityHeaderCodec;
import org.mip6kit.wire.MobilityHeaderType;
import org.mip6kit.wire.MobilityMessage;

/**
 * The client's verification work on an echoed Binding Update, in place of the verification of the
 * Binding Acknowledgement a home agent would have sent.
 *
 * <p>Against the home agent, the node's provider path verifies every acknowledgement with one
 * HMAC-SHA1 over "care-of address | home address | MH Data" (RFC 4285 §5.1), the Mobility Header
 * taken up to the SPI of the authentication option with the checksum as zero. Against the echo the
 * path gets its own Binding Update back and drops it at its first check (the source is not the
 * home agent), so that MAC is never computed. This check computes it: the MN-HA authenticator of
 * the echoed Binding Update, over the addresses the home agent would use (the effective care-of
 * address and the Home Address option), keyed with the node's key on a {@link Mac} kept per thread
 * and re-keyed for each message as the provider does; then it compares the result with the
 * authenticator in the message. The node signed that Binding Update a moment earlier, so it must
 * verify; a mismatch is a failure ({@code echo-unverified}).
 *
 * <p>It is written out here because the provider's own {@code SecurityAssociation} is not public.
 * It is the same input and the same JCA calls, and it doubles as an independent check of the
 * provider's signing. What it does not repeat: matching the acknowledgement to the Binding Update
 * it answers (a search of the node's last Binding Updates) and building the verdict.
 *
 * <p>One instance per thread (it keeps a {@link Mac} and a scratch buffer).
 */
final class EchoAuthenticatorCheck {

    private static final int AUTHENTICATOR_LENGTH = MobilityMessageAuthentication.MN_HA_AUTHENTICATOR_LENGTH;
    private static final byte[] ZERO_CHECKSUM = new byte[2];

    private final NodeKeys keys;
    private final Mac mac;
    private final byte[] scratch = new byte[32 + 20];

    EchoAuthenticatorCheck(NodeKeys keys) {
        this.keys = keys;
        try {
            this.mac = Mac.getInstance(NodeKeys.MAC_ALGORITHM);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(NodeKeys.MAC_ALGORITHM + " is not available in this JVM", e);
        }
    }

    /**
     * Whether {@code mh}, the octets of {@code decoded} as received with {@code addressing}, carries
     * node {@code node}'s SPI and a correct MN-HA authenticator.
     */
    boolean verifies(int node, byte[] mh, MobilityMessage decoded, Addressing addressing) {
        int at = authenticationOption(mh);
        if (at < 0 || (mh[at + 1] & 0xFF) != 5 + AUTHENTICATOR_LENGTH
                || mh[at + 2] != MobilityMessageAuthentication.SUBTYPE_MN_HA
                || readUnsignedInt(mh, at + 3) != NodeKeys.spi(node)
                || addressing.homeAddressOption().isEmpty()) {
            return false;
        }
        Ipv6Address careOf = addressing.effectiveCareOf(decoded);
        careOf.writeTo(scratch, 0);
        addressing.homeAddressOption().get().writeTo(scratch, 16);
        int end = at + MobilityMessageAuthentication.OFFSET_AFTER_SPI;
        try {
            mac.init(keys.macKey(node));
            mac.update(scratch, 0, 32);
            mac.update(mh, 0, MobilityHeaderCodec.CHECKSUM_OFFSET);
            mac.update(ZERO_CHECKSUM, 0, 2);
            mac.update(mh, MobilityHeaderCodec.CHECKSUM_OFFSET + 2, end - MobilityHeaderCodec.CHECKSUM_OFFSET - 2);
            mac.doFinal(scratch, 32);
        } catch (GeneralSecurityException e) {
            return false;
        }
        int difference = 0;
        for (int k = 0; k < AUTHENTICATOR_LENGTH; k++) {
            difference |= scratch[32 + k] ^ mh[end + k];
        }
        return difference == 0;
    }

    /** The offset of the last option when it is an authentication option, else -1; bounds checked. */
    private static int authenticationOption(byte[] mh) {
        if (mh.length < 6) {
            return -1;
        }
        int i;
        try {
            i = 6 + MobilityHeaderCodec.fixedPartLength(MobilityHeaderType.of(mh[2] & 0xFF));
        } catch (IllegalArgumentException e) {
            return -1;
        }
        int last = -1;
        while (i < mh.length) {
            if (mh[i] == 0) { // Pad1
                i++;
                continue;
            }
            if (i + 1 >= mh.length || i + 2 + (mh[i + 1] & 0xFF) > mh.length) {
                return -1;
            }
            if (mh[i] != 1) { // PadN aside
                last = (mh[i] & 0xFF) == MobilityMessageAuthentication.TYPE ? i : -1;
            }
            i += 2 + (mh[i + 1] & 0xFF);
        }
        return last;
    }

    private static long readUnsignedInt(byte[] b, int at) {
        return ((b[at] & 0xFFL) << 24) | ((b[at + 1] & 0xFFL) << 16) | ((b[at + 2] & 0xFFL) << 8) | (b[at + 3] & 0xFFL);
    }
}
