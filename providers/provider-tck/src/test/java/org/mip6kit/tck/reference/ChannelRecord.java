package org.mip6kit.tck.reference;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Optional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.SecurityProviderException;

/**
 * The record format of {@link ReferenceChannelProvider}'s own channel: the Mobility Header
 * octets wrapped with a key id, a timestamp and an HMAC-SHA256-128 over the addresses and
 * everything before it.
 * <pre>
 *  Key ID (4) | Timestamp, NTP (8) | Mobility Header (8n) | Authenticator (16)
 * </pre>
 * 28 octets of overhead, so a record is never framed like a bare Mobility Header.
 */
final class ChannelRecord {

    static final int HEADER = 12;
    static final int OVERHEAD = HEADER + AuthenticatorOption.MAC_LENGTH;

    record Opened(long keyId, long timestamp, byte[] mobilityHeader, byte[] mac) {
    }

    private ChannelRecord() {
    }

    static byte[] seal(byte[] key, long keyId, long timestamp, byte[] mh, Addressing to) {
        byte[] out = new byte[OVERHEAD + mh.length];
        for (int i = 0; i < 4; i++) {
            out[i] = (byte) (keyId >>> (24 - 8 * i));
        }
        for (int i = 0; i < 8; i++) {
            out[4 + i] = (byte) (timestamp >>> (56 - 8 * i));
        }
        System.arraycopy(mh, 0, out, HEADER, mh.length);
        byte[] mac = mac(key, out, out.length - AuthenticatorOption.MAC_LENGTH, to);
        System.arraycopy(mac, 0, out, out.length - mac.length, mac.length);
        return out;
    }

    /** The fields of {@code record}, unverified; empty if it is too short to be one. */
    static Optional<Opened> parse(byte[] record) {
        if (record.length < OVERHEAD + 8) {
            return Optional.empty();
        }
        long keyId = 0;
        for (int i = 0; i < 4; i++) {
            keyId = (keyId << 8) | (record[i] & 0xFF);
        }
        long ts = 0;
        for (int i = 0; i < 8; i++) {
            ts = (ts << 8) | (record[4 + i] & 0xFF);
        }
        int macAt = record.length - AuthenticatorOption.MAC_LENGTH;
        return Optional.of(new Opened(keyId, ts, Arrays.copyOfRange(record, HEADER, macAt),
                Arrays.copyOfRange(record, macAt, record.length)));
    }

    static boolean verifies(byte[] record, byte[] key, Addressing as) {
        int macAt = record.length - AuthenticatorOption.MAC_LENGTH;
        return MessageDigest.isEqual(mac(key, record, macAt, as), Arrays.copyOfRange(record, macAt, record.length));
    }

    private static byte[] mac(byte[] key, byte[] record, int length, Addressing a) {
        try {
            Mac hmac = Mac.getInstance("HmacSHA256");
            hmac.init(new SecretKeySpec(key, "HmacSHA256"));
            hmac.update(a.source().toBytes());
            hmac.update(a.destination().toBytes());
            hmac.update(a.homeAddressOption().orElse(a.source()).toBytes());
            hmac.update(a.routingHeader().orElse(a.destination()).toBytes());
            hmac.update(record, 0, length);
            return Arrays.copyOf(hmac.doFinal(), AuthenticatorOption.MAC_LENGTH);
        } catch (GeneralSecurityException e) {
            throw new SecurityProviderException("HMAC-SHA256 is not available in this JVM", e);
        }
    }
}
