package org.mip6kit.tck.reference;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Optional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.SecurityProviderException;
import org.mip6kit.wire.Ipv6Address;

/**
 * The wire format of {@link ReferenceChannelProvider}'s own channel: a small handshake with a
 * stateless cookie (as DTLS's HelloVerifyRequest) that ends in an association named by a
 * connection ID, then records that carry a Mobility Header with its inner addressing.
 * <pre>
 *  HELLO    1 | Key ID (4) | Client Nonce (16)                                   node → agent
 *  COOKIE   2 | Client Nonce (16) | Cookie (16)                                  agent → node, no state kept
 *  HELLO2   3 | Key ID (4) | Client Nonce (16) | Cookie (16) | Proof (16)         node → agent
 *  WELCOME  4 | Connection ID (8) | Client Nonce (16) | Server Nonce (16) | MAC (16)   agent → node
 *  RECORD   5 | Connection ID (8) | Sequence (8) | Flags (1) | Source (16) | Destination (16)
 *             | [Home Address option or routing header (16)] | Mobility Header | MAC (16)
 * </pre>
 * Proof and WELCOME's MAC are HMAC-SHA256-128 with the node's key; a record's MAC is with the
 * direction's session key (derived from the node's key, both nonces and the connection ID).
 * Flags: 1 = Home Address option, 2 = type 2 routing header.
 */
final class ChannelRecord {

    static final byte HELLO = 1;
    static final byte COOKIE = 2;
    static final byte HELLO2 = 3;
    static final byte WELCOME = 4;
    static final byte RECORD = 5;

    static final int NONCE = 16;
    static final int TAG = 16;
    static final int HELLO_LENGTH = 1 + 4 + NONCE;
    static final int COOKIE_LENGTH = 1 + NONCE + TAG;
    static final int HELLO2_LENGTH = 1 + 4 + NONCE + TAG + TAG;
    static final int WELCOME_LENGTH = 1 + 8 + NONCE + NONCE + TAG;
    static final int RECORD_HEADER = 1 + 8 + 8 + 1 + 16 + 16;

    private ChannelRecord() {
    }

    /** A received record, its fields unverified. */
    record Opened(long connectionId, long sequence, Addressing inner, byte[] mobilityHeader, byte[] signed, byte[] mac) {
    }

    static byte[] hello(long keyId, byte[] clientNonce) {
        return ByteBuffer.allocate(HELLO_LENGTH).put(HELLO).putInt((int) keyId).put(clientNonce).array();
    }

    static byte[] cookie(byte[] clientNonce, byte[] cookie) {
        return ByteBuffer.allocate(COOKIE_LENGTH).put(COOKIE).put(clientNonce).put(cookie).array();
    }

    static byte[] hello2(long keyId, byte[] clientNonce, byte[] cookie, byte[] nodeKey) {
        ByteBuffer b = ByteBuffer.allocate(HELLO2_LENGTH).put(HELLO2).putInt((int) keyId).put(clientNonce).put(cookie);
        b.put(mac(nodeKey, Arrays.copyOf(b.array(), HELLO2_LENGTH - TAG)));
        return b.array();
    }

    static byte[] welcome(long connectionId, byte[] clientNonce, byte[] serverNonce, byte[] nodeKey) {
        ByteBuffer b = ByteBuffer.allocate(WELCOME_LENGTH).put(WELCOME).putLong(connectionId).put(clientNonce)
                .put(serverNonce);
        b.put(mac(nodeKey, Arrays.copyOf(b.array(), WELCOME_LENGTH - TAG)));
        return b.array();
    }

    static byte[] record(long connectionId, long sequence, Addressing inner, byte[] mh, byte[] sessionKey) {
        Optional<Ipv6Address> extra = inner.homeAddressOption().or(inner::routingHeader);
        int length = RECORD_HEADER + (extra.isPresent() ? 16 : 0) + mh.length + TAG;
        ByteBuffer b = ByteBuffer.allocate(length).put(RECORD).putLong(connectionId).putLong(sequence)
                .put((byte) ((inner.homeAddressOption().isPresent() ? 1 : 0) | (inner.routingHeader().isPresent() ? 2 : 0)))
                .put(inner.source().toBytes()).put(inner.destination().toBytes());
        extra.ifPresent(a -> b.put(a.toBytes()));
        b.put(mh);
        b.put(mac(sessionKey, Arrays.copyOf(b.array(), length - TAG)));
        return b.array();
    }

    /** The fields of a RECORD, unverified; empty if it is not one. */
    static Optional<Opened> openRecord(byte[] r, InetSocketAddress outerPeer) {
        if (r.length < RECORD_HEADER + 8 + TAG || r[0] != RECORD) {
            return Optional.empty();
        }
        ByteBuffer b = ByteBuffer.wrap(r);
        b.get();
        long cid = b.getLong();
        long seq = b.getLong();
        int flags = b.get() & 0xFF;
        if (flags > 2) {
            return Optional.empty();
        }
        Ipv6Address source = address(b);
        Ipv6Address destination = address(b);
        Optional<Ipv6Address> extra = flags != 0 ? Optional.of(address(b)) : Optional.empty();
        if (b.remaining() < 8 + TAG) {
            return Optional.empty();
        }
        byte[] mh = new byte[b.remaining() - TAG];
        b.get(mh);
        byte[] mac = new byte[TAG];
        b.get(mac);
        Addressing inner = new Addressing(source, destination, flags == 1 ? extra : Optional.empty(),
                flags == 2 ? extra : Optional.empty(), Optional.of(outerPeer));
        return Optional.of(new Opened(cid, seq, inner, mh, Arrays.copyOf(r, r.length - TAG), mac));
    }

    private static Ipv6Address address(ByteBuffer b) {
        byte[] a = new byte[16];
        b.get(a);
        return Ipv6Address.fromBytes(a);
    }

    /** Whether {@code tag} is the HMAC-SHA256-128 of {@code signed} under {@code key}, compared in constant time. */
    static boolean verifies(byte[] key, byte[] signed, byte[] tag) {
        return MessageDigest.isEqual(mac(key, signed), tag);
    }

    static byte[] mac(byte[] key, byte[]... parts) {
        try {
            Mac hmac = Mac.getInstance("HmacSHA256");
            hmac.init(new SecretKeySpec(key, "HmacSHA256"));
            for (byte[] p : parts) {
                hmac.update(p);
            }
            return Arrays.copyOf(hmac.doFinal(), TAG);
        } catch (GeneralSecurityException e) {
            throw new SecurityProviderException("HMAC-SHA256 is not available in this JVM", e);
        }
    }

    /** A 32-octet key for one direction: HMAC-SHA256(node key, label | connection ID | both nonces). */
    static byte[] sessionKey(byte[] nodeKey, String label, long connectionId, byte[] clientNonce, byte[] serverNonce) {
        try {
            Mac hmac = Mac.getInstance("HmacSHA256");
            hmac.init(new SecretKeySpec(nodeKey, "HmacSHA256"));
            hmac.update(label.getBytes(StandardCharsets.US_ASCII));
            hmac.update(ByteBuffer.allocate(8).putLong(connectionId).array());
            hmac.update(clientNonce);
            hmac.update(serverNonce);
            return hmac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new SecurityProviderException("HMAC-SHA256 is not available in this JVM", e);
        }
    }
}
