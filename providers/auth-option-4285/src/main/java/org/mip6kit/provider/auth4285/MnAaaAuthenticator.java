package org.mip6kit.provider.auth4285;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.mip6kit.spi.SecurityProviderException;
import org.mip6kit.wire.MobilityHeaderCodec;

/**
 * The MN-AAA authenticator (RFC 4285 §5.2), for mobility SPI {@link
 * MobilityMessageAuthentication#HMAC_SHA1_SPI HMAC_SHA1_SPI} (3), the one well-known SPI:
 * <pre>
 *   MAC_Mobility_Data = SHA1( care-of address ‖ home address ‖ MH Data )
 *   Authenticator     = HMAC_SHA1( MN-AAA key, MAC_Mobility_Data )      (all 160 bits)
 * </pre>
 * MH Data is as for MN-HA: from Payload Proto up to and including this option's SPI, with the
 * Checksum taken as 0. RFC 4285 (as paraphrased by Pcap.Net's documentation of the subtype)
 * truncates the MN-HA result to 96 bits but states no truncation for MN-AAA: the full 20 octets
 * are sent. The home agent computes {@link #macMobilityData} and hands it to its
 * {@link AaaClient}; only the AAA server holds the MN-AAA key.
 */
public final class MnAaaAuthenticator {

    /** Octets of the MN-AAA authenticator for HMAC_SHA1_SPI. */
    public static final int LENGTH = 20;

    private static final byte[] ZERO_CHECKSUM = new byte[2];

    private MnAaaAuthenticator() {
    }

    /**
     * MAC_Mobility_Data of the Binding Update in {@code mh} whose authentication option starts at
     * {@code optionOffset}.
     */
    static byte[] macMobilityData(AuthenticatedAddresses addresses, byte[] mh, int optionOffset) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            sha1.update(addresses.careOf().toBytes());
            sha1.update(addresses.homeAddress().toBytes());
            sha1.update(mh, 0, MobilityHeaderCodec.CHECKSUM_OFFSET);
            sha1.update(ZERO_CHECKSUM);
            int end = optionOffset + MobilityMessageAuthentication.OFFSET_AFTER_SPI;
            sha1.update(mh, MobilityHeaderCodec.CHECKSUM_OFFSET + 2, end - MobilityHeaderCodec.CHECKSUM_OFFSET - 2);
            return sha1.digest();
        } catch (GeneralSecurityException e) {
            throw new SecurityProviderException("SHA-1 is not available in this JVM", e);
        }
    }

    /** The authenticator an MN-AAA key produces over {@code macMobilityData} (what the AAA server checks). */
    public static byte[] authenticator(byte[] mnAaaKey, byte[] macMobilityData) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(mnAaaKey, "HmacSHA1"));
            return mac.doFinal(macMobilityData);
        } catch (GeneralSecurityException e) {
            throw new SecurityProviderException("HMAC-SHA1 is not available in this JVM", e);
        }
    }
}
