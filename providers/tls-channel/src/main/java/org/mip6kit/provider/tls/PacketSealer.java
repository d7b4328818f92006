package org.mip6kit.provider.tls;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;

import org.mip6kit.provider.tls.protect.Direction;
import org.mip6kit.provider.tls.protect.OutboundSequence;
import org.mip6kit.provider.tls.protect.PacketProtection;
import org.mip6kit.provider.tls.protect.PacketType;
import org.mip6kit.provider.tls.protect.ReplayWindow;
import org.mip6kit.provider.tls.protect.SecurityAssociation;
import org.mip6kit.provider.tls.protect.Verification;

/**
 * One side's use of an RFC 6618 security association: what it sends is protected with its own
 * direction's keys and the next outbound sequence number; what it receives is verified with the
 * peer's direction's keys against the anti-replay window of that direction (RFC 6618 §6, §9.3).
 * Thread-safe: the window settles which of two concurrent copies of one packet is accepted.
 */
final class PacketSealer {

    private final PacketProtection protection;
    private final Direction sending;
    private final Direction receiving;
    private final OutboundSequence sequence = new OutboundSequence();
    private final ReplayWindow window;

    /**
     * @param grace how long after the validity end the keys still open and seal (see
     *              {@link PacketProtection}); what an association in its grace is used for is the
     *              caller's decision
     */
    PacketSealer(SecurityAssociation association, boolean homeAgentSide, int windowSize, Duration grace,
                 SecureRandom random, Clock clock) {
        this.protection = new PacketProtection(association, grace, random, clock);
        this.sending = homeAgentSide ? Direction.HA_TO_MN : Direction.MN_TO_HA;
        this.receiving = homeAgentSide ? Direction.MN_TO_HA : Direction.HA_TO_MN;
        this.window = new ReplayWindow(windowSize);
    }

    long spi() {
        return protection.association().spi();
    }

    Instant validityEnd() {
        return protection.association().validityEnd();
    }

    /** Whether the clock is past the validity end (the grace may still let the keys serve). */
    boolean pastValidityEnd() {
        return protection.pastValidityEnd();
    }

    String suiteName() {
        return protection.association().suite().rfcName();
    }

    /** A Mobility Header message protected for the peer (packet type 8). */
    byte[] seal(byte[] mobilityHeader) {
        return protection.protectMobilityHeader(sending, sequence.next(), mobilityHeader);
    }

    /** The Mobility Header octets of a packet of type 8 that verified and is fresh; empty otherwise. */
    Optional<byte[]> open(byte[] datagram) {
        Verification v = protection.verify(receiving, datagram, window);
        if (!v.accepted() || v.packet().packetType() != PacketType.MOBILITY_HEADER) {
            return Optional.empty();
        }
        return Optional.of(v.packet().payload());
    }

    void destroy() {
        // The keys live in the JCA key objects of PacketProtection until it is collected; nothing more to wipe here.
    }

    static boolean isMobilityHeader(byte[] datagram) {
        return PacketProtection.peekType(datagram) == PacketType.MOBILITY_HEADER;
    }

    /**
     * Whether {@code datagram} is long enough to be a protected packet at all: header, the
     * smallest padded body (4 octets) and the ICV. Shorter ones get no answer of any kind.
     */
    static boolean couldBeProtected(byte[] datagram) {
        return datagram.length >= PacketProtection.MIN_PROTECTED_LENGTH;
    }

    static boolean isPlaintext(byte[] datagram) {
        return PacketProtection.peekType(datagram) == PacketType.PLAINTEXT;
    }

    static long spiOf(byte[] datagram) {
        return PacketProtection.peekSpi(datagram);
    }

    /**
     * An unprotected packet of type 0: SPI and sequence number zero, then the Mobility Header (RFC
     * 6618 §6.1 defines no trailer for it). Used only for the 176 answer to an unknown SPI.
     */
    static byte[] plaintext(byte[] mobilityHeader) {
        byte[] p = new byte[PacketProtection.HEADER_LENGTH + mobilityHeader.length];
        System.arraycopy(mobilityHeader, 0, p, PacketProtection.HEADER_LENGTH, mobilityHeader.length);
        return p;
    }

    /** The Mobility Header of a packet of type 0. */
    static byte[] plaintextPayload(byte[] datagram) {
        return Arrays.copyOfRange(datagram, PacketProtection.HEADER_LENGTH, datagram.length);
    }
}
