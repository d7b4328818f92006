package org.mip6kit.provider.tls.protect;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Protects and verifies the UDP payloads that travel between mobile node and home agent after an
 * RFC 6618 bootstrap (RFC 6618 §6), with one {@link SecurityAssociation}. Bytes in, bytes out: no
 * sockets, no timers.
 *
 * <pre>
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+  ---
 *   | PType |              Security Parameter Index (28)            |   ^
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+   |
 *   |                      Sequence Number (32)                     |   |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+   | ICV
 *   |         IV (CBC suites: one block, random per packet)         |   | covers
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ - | -
 *   |  Payload: Mobility Header (PType 8) or IP packet (PType 1)    | ^ |
 *   ~                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ | |  encrypted
 *   |                               |  Padding 1, 2, 3, ... (0-255) | | |  (CBC suites)
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ | |
 *   |                               |  Pad Length   | Next Header   | v v
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ - -
 *   |       ICV: HMAC-SHA1-96 of everything above (12 octets)       |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * This is ESP's packet (RFC 4303 §2) with the SPI split into PType and a 28-bit SPI: the ICV
 * covers header, IV and ciphertext (RFC 4303 §2.8, encrypt-then-MAC); the plaintext of payload,
 * padding, pad length and next header is padded with 1, 2, 3, ... to a multiple of the cipher
 * block and of 4 octets (RFC 4303 §2.4); the CBC IV is carried explicitly in front of the
 * ciphertext (RFC 3602 §3, RFC 2451). A Mobility Header payload has no IP header in front of it,
 * so the next header is 135, the Mobility Header's protocol number (RFC 6275 §6.1.1).
 *
 * <p><b>Receiving</b>: {@link #peekType}/{@link #peekSpi} let the receiver find the association by
 * SPI first; {@link #verify(Direction, byte[], ReplayWindow)} then checks, in this order, length,
 * packet type, SPI, the replay window, the ICV (constant time), records the sequence number, and
 * decrypts and checks padding and next header. It never throws for a bad datagram: it returns a
 * {@link Verification} naming the {@link VerifyFailure}.
 *
 * <p><b>Sending</b>: {@link #protect(Direction, PacketType, int, long, byte[])} with the next
 * number of the direction's {@link OutboundSequence}.
 *
 * <p><b>Validity and grace</b>: the association's keys serve until {@link SecurityAssociation#validityEnd()}
 * plus the grace given to the constructor; after that {@code protect} throws and {@code verify}
 * answers {@link VerifyFailure#EXPIRED}. Within the grace both still work: this class does not
 * decide what an association past its validity end may be used for. The caller does — a home
 * agent verifies a Binding Update under it only to answer status 176 protected with it (RFC 6618
 * §8.2), a mobile node verifies with a small grace for clock skew but sends nothing new under it
 * (it bootstraps again, RFC 6618 §4.3). {@link #pastValidityEnd()} tells the caller which side of
 * the validity end the clock is on.
 *
 * <p><b>Threads</b>: safe for concurrent use. Each thread keeps its own keyed {@link Mac} and its
 * own {@link Cipher} for this instance; they are released when the instance is no longer
 * reachable. The {@link SecureRandom} must be thread-safe (the JDK's are). The clock decides when
 * the association's validity end has passed.
 */
public final class PacketProtection {

    /** The IANA port of the home agent for RFC 6618 traffic ("mipv6tls"). */
    public static final int DEFAULT_PORT = 7872;
    /** Octets of PType, SPI and sequence number. */
    public static final int HEADER_LENGTH = 8;
    /**
     * The shortest datagram any suite produces: header, a body of one 4-octet word (NULL suite,
     * no IV) and the ICV. {@link #verify} refuses anything shorter as {@link VerifyFailure#TOO_SHORT}.
     */
    public static final int MIN_PROTECTED_LENGTH = HEADER_LENGTH + 4 + Suite.ICV_LENGTH;
    /** The Mobility Header's protocol number: the next header of a PType 8 packet. */
    public static final int NEXT_HEADER_MOBILITY = 135;
    /** IPv6 as next header of a PType 1 packet. */
    public static final int NEXT_HEADER_IPV6 = 41;
    /** IPv4 as next header of a PType 1 packet. */
    public static final int NEXT_HEADER_IPV4 = 4;
    /** The largest payload {@link #protect} accepts: what fits a UDP datagram over IPv6 with headroom. */
    public static final int MAX_PAYLOAD = 65_000;

    private final SecurityAssociation association;
    private final Suite suite;
    private final SecureRandom random;
    private final Clock clock;
    private final long validityEndMillis;
    private final long usableUntilMillis;
    private final Duration grace;
    private final SecretKeySpec[] macKeys = new SecretKeySpec[2];
    private final SecretKeySpec[] cipherKeys = new SecretKeySpec[2];
    private final ThreadLocal<Tools> tools;

    /**
     * An instance without grace: the keys serve up to and including the validity end.
     *
     * @see #PacketProtection(SecurityAssociation, Duration, SecureRandom, Clock)
     */
    public PacketProtection(SecurityAssociation association, SecureRandom random, Clock clock) {
        this(association, Duration.ZERO, random, clock);
    }

    /**
     * @param association the security association (its keys are held for the life of this object)
     * @param grace       how long after {@link SecurityAssociation#validityEnd()} {@code protect}
     *                    and {@code verify} still work (zero or more); the caller decides what an
     *                    association past its validity end but within the grace is used for
     * @param random      source of CBC IVs
     * @param clock       decides when the validity end and the grace have passed
     * @throws IllegalArgumentException if the grace is negative
     * @throws IllegalStateException    if the JDK lacks HmacSHA1 or the suite's cipher
     */
    public PacketProtection(SecurityAssociation association, Duration grace, SecureRandom random, Clock clock) {
        this.association = Objects.requireNonNull(association, "association");
        this.grace = Objects.requireNonNull(grace, "grace");
        if (grace.isNegative()) {
            throw new IllegalArgumentException("grace " + grace + " is negative");
        }
        this.suite = association.suite();
        this.random = Objects.requireNonNull(random, "random");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.validityEndMillis = association.validityEnd().toEpochMilli();
        long graceMillis = grace.toMillis();
        this.usableUntilMillis = validityEndMillis > Long.MAX_VALUE - graceMillis ? Long.MAX_VALUE
                : validityEndMillis + graceMillis;
        for (Direction d : Direction.values()) {
            DirectionKeys keys = association.keys(d);
            macKeys[d.ordinal()] = new SecretKeySpec(keys.integrityKeyShared(), Suite.MAC_ALGORITHM);
            if (suite.confidentiality()) {
                cipherKeys[d.ordinal()] = new SecretKeySpec(keys.encryptionKeyShared(), suite.keyAlgorithm());
            }
        }
        this.tools = ThreadLocal.withInitial(this::newTools);
        tools.get(); // fail now, not on the first packet, if the JDK lacks an algorithm
    }

    /** The association this instance protects with. */
    public SecurityAssociation association() {
        return association;
    }

    /** How long after the validity end the keys still serve. */
    public Duration grace() {
        return grace;
    }

    /** The last instant at which {@code protect} and {@code verify} work: validity end plus grace. */
    public Instant usableUntil() {
        return Instant.ofEpochMilli(usableUntilMillis);
    }

    /** Whether the clock is past the association's validity end (within the grace or beyond it). */
    public boolean pastValidityEnd() {
        return clock.millis() > validityEndMillis;
    }

    // ---------------------------------------------------------------- peeking

    /**
     * The 4-bit packet type of {@code datagram}, or -1 if it is shorter than the header. Does not
     * authenticate anything.
     */
    public static int peekTypeCode(byte[] datagram) {
        return datagram == null || datagram.length < HEADER_LENGTH ? -1 : (datagram[0] >>> 4) & 0x0F;
    }

    /**
     * The packet type of {@code datagram}, or {@code null} if it is shorter than the header or the
     * type is not defined. Does not authenticate anything.
     */
    public static PacketType peekType(byte[] datagram) {
        int code = peekTypeCode(datagram);
        return code < 0 ? null : PacketType.ofCode(code);
    }

    /**
     * The 28-bit SPI of {@code datagram}, to look its association up before verifying; -1 if the
     * datagram is shorter than the header. Does not authenticate anything.
     */
    public static int peekSpi(byte[] datagram) {
        if (datagram == null || datagram.length < HEADER_LENGTH) {
            return -1;
        }
        return readInt(datagram, 0) & SecurityAssociation.MAX_SPI;
    }

    // ---------------------------------------------------------------- sending

    /**
     * A Mobility Header message protected for {@code direction}: packet type 8, next header 135.
     *
     * @see #protect(Direction, PacketType, int, long, byte[])
     */
    public byte[] protectMobilityHeader(Direction direction, long sequence, byte[] mobilityHeader) {
        return protect(direction, PacketType.MOBILITY_HEADER, NEXT_HEADER_MOBILITY, sequence, mobilityHeader);
    }

    /**
     * The datagram carrying {@code payload} protected with the keys of {@code direction}.
     *
     * @param direction  whose keys to use (the sender's direction)
     * @param type       {@link PacketType#MOBILITY_HEADER} or {@link PacketType#IP_PACKET}
     * @param nextHeader the trailer's next header: 135 for type 8, 41 or 4 for type 1
     * @param sequence   0..0xFFFFFFFF, normally from the direction's {@link OutboundSequence}
     * @param payload    the octets to protect (not changed), at most {@value #MAX_PAYLOAD}
     * @throws IllegalArgumentException if an argument is out of range or next header does not fit the type
     * @throws IllegalStateException    if the association's validity end and the grace have passed
     */
    public byte[] protect(Direction direction, PacketType type, int nextHeader, long sequence, byte[] payload) {
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(payload, "payload");
        if (type == null || type == PacketType.PLAINTEXT) {
            throw new IllegalArgumentException("packet type " + type + " cannot be protected; use MOBILITY_HEADER or IP_PACKET");
        }
        if (!nextHeaderFits(type, nextHeader)) {
            throw new IllegalArgumentException("next header " + nextHeader + " does not fit packet type " + type);
        }
        if (sequence < 0 || sequence > OutboundSequence.MAX) {
            throw new IllegalArgumentException("sequence number " + sequence + " is not a 32-bit unsigned value");
        }
        if (payload.length > MAX_PAYLOAD) {
            throw new IllegalArgumentException("payload of " + payload.length + " octets exceeds " + MAX_PAYLOAD);
        }
        if (clock.millis() > usableUntilMillis) {
            throw new IllegalStateException("security association spi=" + association.spi() + " expired at "
                    + association.validityEnd() + " (grace " + grace + "); bootstrap again with the Home Agent Controller (RFC 6618 §4.3)");
        }
        int ivLength = suite.ivLength();
        int align = suite.alignment();
        int padLength = (align - (payload.length + 2) % align) % align;
        int bodyLength = payload.length + padLength + 2;
        int bodyStart = HEADER_LENGTH + ivLength;
        int icvStart = bodyStart + bodyLength;
        byte[] out = new byte[icvStart + Suite.ICV_LENGTH];

        writeInt(out, 0, (type.code() << 28) | association.spi());
        writeInt(out, 4, (int) sequence);
        System.arraycopy(payload, 0, out, bodyStart, payload.length);
        int p = bodyStart + payload.length;
        for (int i = 1; i <= padLength; i++) {
            out[p++] = (byte) i;
        }
        out[p++] = (byte) padLength;
        out[p] = (byte) nextHeader;

        Tools t = tools.get();
        int index = direction.ordinal();
        try {
            if (suite.confidentiality()) {
                random.nextBytes(t.iv);
                System.arraycopy(t.iv, 0, out, HEADER_LENGTH, ivLength);
                t.cipher.init(Cipher.ENCRYPT_MODE, cipherKeys[index], new IvParameterSpec(t.iv));
                int written = t.cipher.doFinal(out, bodyStart, bodyLength, out, bodyStart);
                if (written != bodyLength) {
                    throw new IllegalStateException("cipher wrote " + written + " octets for " + bodyLength);
                }
            }
            Mac mac = t.macs[index];
            mac.update(out, 0, icvStart);
            mac.doFinal(t.digest, 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JCA failed to protect a packet with " + suite.rfcName(), e);
        }
        System.arraycopy(t.digest, 0, out, icvStart, Suite.ICV_LENGTH);
        return out;
    }

    // ---------------------------------------------------------------- receiving

    /**
     * Verifies a whole datagram received in {@code direction}.
     *
     * @see #verify(Direction, byte[], int, int, ReplayWindow)
     */
    public Verification verify(Direction direction, byte[] datagram, ReplayWindow window) {
        return verify(direction, datagram, 0, datagram.length, window);
    }

    /**
     * Verifies {@code length} octets of {@code buffer} from {@code offset}, received in
     * {@code direction} (the peer's sending direction), against {@code window}, the replay window
     * of that direction. On success the sequence number is recorded in the window. After the
     * validity end plus the grace it answers {@link VerifyFailure#EXPIRED}. Never throws
     * for a malformed or forged datagram; the buffer is not changed.
     *
     * @throws IndexOutOfBoundsException if offset and length do not lie within the buffer
     */
    public Verification verify(Direction direction, byte[] buffer, int offset, int length, ReplayWindow window) {
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(window, "window");
        Objects.checkFromIndexSize(offset, length, buffer.length);
        if (length < HEADER_LENGTH) {
            return Verification.refused(VerifyFailure.TOO_SHORT);
        }
        int first = readInt(buffer, offset);
        PacketType type = PacketType.ofCode((first >>> 28) & 0x0F);
        if (type == null) {
            return Verification.refused(VerifyFailure.UNKNOWN_PTYPE);
        }
        if (type == PacketType.PLAINTEXT) {
            return Verification.refused(VerifyFailure.PLAINTEXT);
        }
        if ((first & SecurityAssociation.MAX_SPI) != association.spi()) {
            return Verification.refused(VerifyFailure.WRONG_SPI);
        }
        int ivLength = suite.ivLength();
        int align = suite.alignment();
        int bodyLength = length - HEADER_LENGTH - ivLength - Suite.ICV_LENGTH;
        if (bodyLength < align) {
            return Verification.refused(VerifyFailure.TOO_SHORT);
        }
        if (bodyLength % align != 0) {
            return Verification.refused(VerifyFailure.BAD_LENGTH);
        }
        long sequence = readInt(buffer, offset + 4) & 0xFFFF_FFFFL;
        ReplayWindow.Verdict early = window.check(sequence);
        if (early != ReplayWindow.Verdict.NEW) {
            return Verification.refused(replayFailure(early));
        }
        if (clock.millis() > usableUntilMillis) {
            return Verification.refused(VerifyFailure.EXPIRED);
        }

        Tools t = tools.get();
        int index = direction.ordinal();
        int icvStart = offset + length - Suite.ICV_LENGTH;
        Mac mac = t.macs[index];
        mac.update(buffer, offset, length - Suite.ICV_LENGTH);
        try {
            mac.doFinal(t.digest, 0);
        } catch (javax.crypto.ShortBufferException e) {
            throw new IllegalStateException("HMAC output buffer too small", e);
        }
        byte[] expected = Arrays.copyOf(t.digest, Suite.ICV_LENGTH);
        byte[] received = Arrays.copyOfRange(buffer, icvStart, icvStart + Suite.ICV_LENGTH);
        if (!MessageDigest.isEqual(expected, received)) {
            return Verification.refused(VerifyFailure.BAD_ICV);
        }
        ReplayWindow.Verdict recorded = window.update(sequence);
        if (recorded != ReplayWindow.Verdict.NEW) {
            return Verification.refused(replayFailure(recorded));
        }

        int bodyStart = offset + HEADER_LENGTH + ivLength;
        byte[] body;
        if (suite.confidentiality()) {
            try {
                t.cipher.init(Cipher.DECRYPT_MODE, cipherKeys[index],
                        new IvParameterSpec(buffer, offset + HEADER_LENGTH, ivLength));
                body = t.cipher.doFinal(buffer, bodyStart, bodyLength);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("JCA failed to decrypt a verified packet with " + suite.rfcName(), e);
            }
        } else {
            body = Arrays.copyOfRange(buffer, bodyStart, bodyStart + bodyLength);
        }
        int padLength = body[bodyLength - 2] & 0xFF;
        int nextHeader = body[bodyLength - 1] & 0xFF;
        int payloadLength = bodyLength - 2 - padLength;
        if (payloadLength < 0) {
            return Verification.refused(VerifyFailure.BAD_PADDING);
        }
        for (int i = 0; i < padLength; i++) {
            if ((body[payloadLength + i] & 0xFF) != i + 1) {
                return Verification.refused(VerifyFailure.BAD_PADDING);
            }
        }
        if (!nextHeaderFits(type, nextHeader)) {
            return Verification.refused(VerifyFailure.BAD_NEXT_HEADER);
        }
        byte[] payload = payloadLength == bodyLength ? body : Arrays.copyOf(body, payloadLength);
        return Verification.accepted(new Verified(type, association.spi(), sequence, nextHeader, payload));
    }

    /** SPI and suite of the association; never keys. */
    @Override
    public String toString() {
        return "PacketProtection[spi=" + association.spi() + ", suite=" + suite.rfcName() + "]";
    }

    // ---------------------------------------------------------------- internals

    private static VerifyFailure replayFailure(ReplayWindow.Verdict verdict) {
        return verdict == ReplayWindow.Verdict.TOO_OLD ? VerifyFailure.TOO_OLD : VerifyFailure.REPLAYED;
    }

    private static boolean nextHeaderFits(PacketType type, int nextHeader) {
        if (type == PacketType.MOBILITY_HEADER) {
            return nextHeader == NEXT_HEADER_MOBILITY;
        }
        return nextHeader == NEXT_HEADER_IPV6 || nextHeader == NEXT_HEADER_IPV4;
    }

    private Tools newTools() {
        try {
            Mac[] macs = new Mac[2];
            for (Direction d : Direction.values()) {
                macs[d.ordinal()] = Mac.getInstance(Suite.MAC_ALGORITHM);
                macs[d.ordinal()].init(macKeys[d.ordinal()]);
            }
            Cipher cipher = suite.confidentiality() ? Cipher.getInstance(suite.transformation()) : null;
            return new Tools(macs, cipher, new byte[suite.ivLength()], new byte[macs[0].getMacLength()]);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot provide " + Suite.MAC_ALGORITHM
                    + (suite.confidentiality() ? " and " + suite.transformation() : "") + " for " + suite.rfcName(), e);
        }
    }

    private static int readInt(byte[] b, int at) {
        return ((b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
    }

    private static void writeInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    /** One thread's JCA objects for this association: keyed MACs per direction, a cipher, scratch buffers. */
    private static final class Tools {
        final Mac[] macs;
        final Cipher cipher;
        final byte[] iv;
        final byte[] digest;

        Tools(Mac[] macs, Cipher cipher, byte[] iv, byte[] digest) {
            this.macs = macs;
            this.cipher = cipher;
            this.iv = iv;
            this.digest = digest;
        }
    }
}
