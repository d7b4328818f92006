package org.mip6kit.provider.tls.protect;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A datagram that passed {@link PacketProtection#verify}: its ICV matched, its sequence number was
 * new and is now recorded in the replay window, its padding and next header were well formed.
 * Holds the payload octets (decrypted when the suite encrypts) — for packet type 8 a Mobility
 * Header message starting with its Payload Proto field, for packet type 1 an IP packet.
 * Immutable.
 */
public final class Verified {

    private final PacketType packetType;
    private final int spi;
    private final long sequence;
    private final int nextHeader;
    private final byte[] payload;

    Verified(PacketType packetType, int spi, long sequence, int nextHeader, byte[] payload) {
        this.packetType = Objects.requireNonNull(packetType);
        this.spi = spi;
        this.sequence = sequence;
        this.nextHeader = nextHeader;
        this.payload = payload;
    }

    /** The packet type (never {@link PacketType#PLAINTEXT}). */
    public PacketType packetType() {
        return packetType;
    }

    /** The 28-bit SPI. */
    public int spi() {
        return spi;
    }

    /** The 32-bit sequence number. */
    public long sequence() {
        return sequence;
    }

    /** The next header octet of the trailer: 135 for a Mobility Header, 41 for IPv6, 4 for IPv4. */
    public int nextHeader() {
        return nextHeader;
    }

    /** A copy of the payload octets. */
    public byte[] payload() {
        return payload.clone();
    }

    /** The payload octets as a read-only buffer, without copying. */
    public ByteBuffer payloadBuffer() {
        return ByteBuffer.wrap(payload).asReadOnlyBuffer();
    }

    /** Octets of payload. */
    public int payloadLength() {
        return payload.length;
    }

    /** Header fields and payload length; the payload itself is not shown. */
    @Override
    public String toString() {
        return "Verified[" + packetType + ", spi=" + spi + ", seq=" + sequence + ", nextHeader=" + nextHeader
                + ", payload=" + payload.length + " octets]";
    }
}
