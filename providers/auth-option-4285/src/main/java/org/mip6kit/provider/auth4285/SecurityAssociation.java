package org.mip6kit.provider.auth4285;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;

import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

import org.mip6kit.spi.Identity;
import org.mip6kit.spi.SecurityProviderException;
import org.mip6kit.wire.MobilityHeaderCodec;

/**
 * A shared-key mobility security association between a mobile node and its home agent (RFC
 * 4285 §5.1): the mobility SPI that names it, the mobile node's NAI it belongs to, the
 * algorithm (HMAC_SHA1) and the key. Replay protection is by timestamp (RFC 4285 §6), kept
 * elsewhere.
 *
 * <p>Computes the MN-HA authenticator
 * <pre>
 *   Authenticator = First96( HMAC_SHA1( key, care-of address ‖ home address ‖ MH Data ) )
 *   MH Data       = Mobility Header octets from Payload Proto up to and including the SPI of
 *                   the authentication option, with the Checksum field taken as 0
 * </pre>
 * One {@link Mac} per thread and algorithm is reused, keyed with this association's key for each
 * message, so the hot path allocates only the 12-octet result.
 *
 * <p>Thread-safe. {@link #toString()} names the SPI and NAI only; the key is never shown.
 */
final class SecurityAssociation {

    /** The shortest key accepted (RFC 4285 §5.1 describes 16-octet keys). */
    static final int MIN_KEY_LENGTH = 16;
    /** The longest key accepted (one HMAC-SHA1 block). */
    static final int MAX_KEY_LENGTH = 64;

    private static final byte[] ZERO_CHECKSUM = new byte[2];
    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[32 + 20]);
    private static final ThreadLocal<Mac[]> MACS = ThreadLocal.withInitial(() -> new Mac[Algorithm.values().length]);

    private final String nai;
    private final long spi;
    private final Algorithm algorithm;
    private final SecretKeySpec key;
    private final Identity identity;

    SecurityAssociation(String nai, long spi, Algorithm algorithm, byte[] keyBytes) {
        if (nai == null || nai.isEmpty()) {
            throw new IllegalArgumentException("a security association belongs to an NAI");
        }
        if (spi < 0 || spi > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("the mobility SPI is 32 bits, got " + spi);
        }
        if (keyBytes == null || keyBytes.length < MIN_KEY_LENGTH || keyBytes.length > MAX_KEY_LENGTH) {
            throw new IllegalArgumentException("a key has " + MIN_KEY_LENGTH + ".." + MAX_KEY_LENGTH + " octets");
        }
        this.nai = nai;
        this.spi = spi;
        this.algorithm = algorithm;
        this.key = new SecretKeySpec(keyBytes, algorithm.jcaName());
        this.identity = Identity.nai(nai);
        mac(algorithm, key); // fail now, not on the first message, if the JVM lacks the algorithm
    }

    String nai() {
        return nai;
    }

    /** The same instance every call, so the home agent's binding cache shares it instead of copying it. */
    Identity identity() {
        return identity;
    }

    long spi() {
        return spi;
    }

    Algorithm algorithm() {
        return algorithm;
    }

    /**
     * The MN-HA authenticator of the message in {@code mh} whose authentication option starts at
     * {@code optionOffset} (see {@link AuthenticatorLocation#find}), for {@code addresses}.
     */
    byte[] authenticate(AuthenticatedAddresses addresses, byte[] mh, int optionOffset) {
        byte[] scratch = SCRATCH.get();
        digest(addresses, mh, optionOffset, scratch);
        return Arrays.copyOfRange(scratch, 32, 32 + MobilityMessageAuthentication.MN_HA_AUTHENTICATOR_LENGTH);
    }

    /**
     * Whether the authenticator stored in {@code mh} after the SPI is right, compared in
     * constant time ({@link MessageDigest#isEqual}).
     */
    boolean verifies(AuthenticatedAddresses addresses, byte[] mh, int optionOffset) {
        int length = (mh[optionOffset + 1] & 0xFF) - 5;
        if (length != MobilityMessageAuthentication.MN_HA_AUTHENTICATOR_LENGTH) {
            return false;
        }
        int at = optionOffset + MobilityMessageAuthentication.OFFSET_AFTER_SPI;
        byte[] expected = authenticate(addresses, mh, optionOffset);
        return MessageDigest.isEqual(expected, Arrays.copyOfRange(mh, at, at + length));
    }

    /** Writes the authenticator into {@code mh} after the SPI of the option at {@code optionOffset}. */
    void sign(AuthenticatedAddresses addresses, byte[] mh, int optionOffset) {
        byte[] mac = authenticate(addresses, mh, optionOffset);
        System.arraycopy(mac, 0, mh, optionOffset + MobilityMessageAuthentication.OFFSET_AFTER_SPI, mac.length);
    }

    private void digest(AuthenticatedAddresses addresses, byte[] mh, int optionOffset, byte[] scratch) {
        Mac mac = mac(algorithm, key);
        addresses.careOf().writeTo(scratch, 0);
        addresses.homeAddress().writeTo(scratch, 16);
        int end = optionOffset + MobilityMessageAuthentication.OFFSET_AFTER_SPI;
        mac.update(scratch, 0, 32);
        mac.update(mh, 0, MobilityHeaderCodec.CHECKSUM_OFFSET);
        mac.update(ZERO_CHECKSUM, 0, 2);
        mac.update(mh, MobilityHeaderCodec.CHECKSUM_OFFSET + 2, end - MobilityHeaderCodec.CHECKSUM_OFFSET - 2);
        try {
            mac.doFinal(scratch, 32);
        } catch (ShortBufferException e) {
            throw new IllegalStateException("HMAC-SHA1 output is 20 octets", e);
        }
    }

    /**
     * This thread's {@link Mac} for {@code algorithm}, keyed with {@code key}. One instance per
     * thread and algorithm, re-keyed per message: a home agent with a million associations keeps
     * a million small key specs, not a million {@code Mac} objects per thread (re-keying an HMAC
     * costs two block compressions).
     */
    private static Mac mac(Algorithm algorithm, SecretKeySpec key) {
        Mac[] perAlgorithm = MACS.get();
        try {
            Mac mac = perAlgorithm[algorithm.ordinal()];
            if (mac == null) {
                mac = Mac.getInstance(algorithm.jcaName());
                perAlgorithm[algorithm.ordinal()] = mac;
            }
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new SecurityProviderException(algorithm.jcaName() + " is not available in this JVM ("
                    + e.getClass().getSimpleName() + "); auth-option-4285 needs it", e);
        }
    }

    @Override
    public String toString() {
        return "SecurityAssociation[spi=" + spi + ", nai=" + nai + ", " + algorithm.configName() + "]";
    }
}
