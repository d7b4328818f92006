package org.mip6kit.provider.tls.control;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code auth} values of the PSK method (RFC 6618 §5.8), bound to the TLS channel.
 *
 * <h2>The exchange</h2>
 * The prose of §5.8 and its list of messages disagree: the prose has the controller's random
 * value and the proof of key possession travel in a message it calls "MHAuth-Auth", which no
 * other part of the RFC defines (§5.2–§5.3 know only MHAuth-Init, -Mid and -Done and their
 * responses). This package follows the message list:
 * <pre>
 *  MN                                                     HAC
 *  MHAuth-Init      (id 1) mn-id, mn-rand, auth-method: psk   --&gt;
 *           &lt;--  MHAuth-Init-resp (id 1) status-code: 100, mn-id, mn-rand, hac-rand, auth
 *  MHAuth-Done      (id 2) mn-rand, hac-rand, mip6-sas, mip6-ciphersuites, [wanted
 *                          mip6-ip6-hoa / mip6-ip6-hnp], auth                  --&gt;
 *           &lt;--  MHAuth-Done-resp (id 2) status-code: 200, the SA and bootstrap fields, auth
 * </pre>
 * {@code hac-rand} goes in MHAuth-Init-resp (the first message the controller sends), and the
 * "MHAuth-Auth" of the prose is read as MHAuth-Done, the node's first message after it learns
 * {@code hac-rand}. The controller authenticates first (in MHAuth-Init-resp); for an unknown
 * {@code mn-id} it signs with a random key, so the reply looks the same.
 *
 * <h2>The octets covered</h2>
 * <pre>
 *  auth = HMAC-SHA256(PSK, label || mn-rand || hac-rand || M' || cb)
 * </pre>
 * <ul>
 * <li>{@code label}: the ASCII octets {@code "MN"} in messages from the mobile node,
 *     {@code "HAC"} in messages from the controller (no terminator), so a message cannot be
 *     reflected back as the other side's;</li>
 * <li>{@code mn-rand}, {@code hac-rand}: the 32 raw octets of each (not their hex), in every
 *     {@code auth} of the exchange, whether or not the message repeats them, so every
 *     authenticated message is fresh for this exchange;</li>
 * <li>{@code M'}: the message as sent, from the first octet of the container header up to, not
 *     including, the {@code auth: } line, which must be the last field (so Ver, Identifier and
 *     Length — which counts the {@code auth} line and the final empty line — are covered);</li>
 * <li>{@code cb}: the RFC 5929 §4 {@code tls-server-end-point} channel binding of the TLS
 *     connection carrying the exchange (see {@link ChannelBinding}), so a node talking to a man
 *     in the middle that terminates TLS with another certificate computes a value the real
 *     controller refuses.</li>
 * </ul>
 * The {@code auth} line is then {@code auth: } and 64 lower-case hex digits. Values compare in
 * constant time.
 */
public final class PskAuth {

    /** Who sent a message. */
    public enum Sender {
        MOBILE_NODE("MN"),
        CONTROLLER("HAC");

        private final byte[] label;

        Sender(String label) {
            this.label = label.getBytes(StandardCharsets.US_ASCII);
        }

        /** The label octets. */
        public byte[] label() {
            return label.clone();
        }
    }

    /** Octets of the {@code auth} line and the empty line after it. */
    private static final int AUTH_TAIL = ControlFields.AUTH.length() + 2 + 2 * ControlFields.AUTH_OCTETS + 2 + 2;
    private static final String PLACEHOLDER = "0".repeat(2 * ControlFields.AUTH_OCTETS);

    private PskAuth() {
    }

    /**
     * {@code unsigned} with an {@code auth} field appended.
     *
     * @throws IllegalArgumentException if {@code unsigned} already has an {@code auth} field or
     *         a rand is not 32 octets
     */
    public static ControlMessage sign(ControlMessage unsigned, PreSharedKey key, Sender sender, byte[] mnRand,
            byte[] hacRand, byte[] channelBinding) {
        if (unsigned.get(ControlFields.AUTH).isPresent()) {
            throw new IllegalArgumentException("the message is already signed");
        }
        byte[] wire = ControlCodec.encode(unsigned.with(ControlFields.AUTH, PLACEHOLDER));
        byte[] mac = compute(key, sender, mnRand, hacRand, wire, wire.length - AUTH_TAIL, channelBinding);
        return unsigned.with(ControlFields.AUTH, ControlFields.bytesToHex(mac));
    }

    /**
     * Whether {@code message}'s {@code auth} is the last field and equals the value computed
     * with {@code key}; compared in constant time.
     */
    public static boolean verify(ControlMessage message, PreSharedKey key, Sender sender, byte[] mnRand,
            byte[] hacRand, byte[] channelBinding) {
        if (!message.endsWith(ControlFields.AUTH)) {
            return false;
        }
        byte[] received = ControlFields.hexToBytes(message.get(ControlFields.AUTH).orElseThrow());
        byte[] wire = ControlCodec.encode(message);
        byte[] expected = compute(key, sender, mnRand, hacRand, wire, wire.length - AUTH_TAIL, channelBinding);
        return MessageDigest.isEqual(expected, received);
    }

    /** {@code message} without its trailing {@code auth} field; the message itself if none. */
    static ControlMessage unsigned(ControlMessage message) {
        if (!message.endsWith(ControlFields.AUTH)) {
            return message;
        }
        List<ControlMessage.Field> f = new ArrayList<>(message.fields());
        f.remove(f.size() - 1);
        return new ControlMessage(message.version(), message.identifier(), message.type(), f);
    }

    private static byte[] compute(PreSharedKey key, Sender sender, byte[] mnRand, byte[] hacRand, byte[] wire,
            int coveredOctets, byte[] channelBinding) {
        if (mnRand.length != ControlFields.RAND_OCTETS || hacRand.length != ControlFields.RAND_OCTETS) {
            throw new IllegalArgumentException("mn-rand and hac-rand have " + ControlFields.RAND_OCTETS + " octets");
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.raw(), "HmacSHA256"));
            mac.update(sender.label);
            mac.update(mnRand);
            mac.update(hacRand);
            mac.update(wire, 0, coveredOctets);
            mac.update(channelBinding);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
    }
}
