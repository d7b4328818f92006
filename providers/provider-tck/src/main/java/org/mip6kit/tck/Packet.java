package org.mip6kit.tck;

import java.util.Arrays;
import java.util.Objects;

import org.mip6kit.spi.Addressing;
import org.mip6kit.transport.CapturedPacket;
import org.mip6kit.wire.MobilityHeaderCodec;

/**
 * One packet on the kit's in-memory network as a sender hands it to its transport: the octets
 * (Mobility Header octets for {@link org.mip6kit.spi.Placement#IN_MESSAGE} and
 * {@link org.mip6kit.spi.Placement#BELOW_STACK} providers, the provider's own records for
 * {@link org.mip6kit.spi.Placement#OWNS_CHANNEL}) and the addressing. Immutable: the octets are
 * copied in and out.
 */
public final class Packet {

    private final byte[] octets;
    private final Addressing addressing;

    public Packet(byte[] octets, Addressing addressing) {
        this.octets = Objects.requireNonNull(octets, "octets").clone();
        this.addressing = Objects.requireNonNull(addressing, "addressing");
    }

    public static Packet of(CapturedPacket captured) {
        return new Packet(captured.octets(), captured.addressing());
    }

    public byte[] octets() {
        return octets.clone();
    }

    public int length() {
        return octets.length;
    }

    public Addressing addressing() {
        return addressing;
    }

    /** The same octets with other addressing (a spoofed source, another Home Address option). */
    public Packet readdressed(Addressing other) {
        return new Packet(octets, other);
    }

    /**
     * Whether the octets are framed like a Mobility Header (Payload Proto 59, Header Len matching
     * the length): only then does a forger have a checksum to recompute.
     */
    public boolean looksLikeMobilityHeader() {
        return octets.length >= 8 && octets.length % 8 == 0
                && (octets[0] & 0xFF) == MobilityHeaderCodec.PAYLOAD_PROTO_NONE
                && ((octets[1] & 0xFF) + 1) * 8 == octets.length;
    }

    /**
     * A copy with octet {@code index} XORed with {@code mask}. When the octets are a Mobility
     * Header the checksum is recomputed for the addressing, as any on-path attacker would do: the
     * checksum protects against noise, not against forgery, so a kit that left it broken would
     * only test the engine's decoder.
     */
    public Packet withOctetFlipped(int index, int mask) {
        byte[] copy = octets.clone();
        copy[index] ^= (byte) mask;
        Packet p = new Packet(copy, addressing);
        return p.looksLikeMobilityHeader() && index != MobilityHeaderCodec.CHECKSUM_OFFSET
                && index != MobilityHeaderCodec.CHECKSUM_OFFSET + 1 ? p.withChecksumRecomputed() : p;
    }

    /** A copy whose Mobility Header checksum is right for its (possibly changed) addressing. */
    public Packet withChecksumRecomputed() {
        if (!looksLikeMobilityHeader()) {
            return this;
        }
        byte[] copy = octets.clone();
        MobilityHeaderCodec.fillChecksum(copy, addressing.pseudoHeaderSource(), addressing.pseudoHeaderDestination());
        return new Packet(copy, addressing);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Packet p && Arrays.equals(p.octets, octets) && p.addressing.equals(addressing);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(octets) * 31 + addressing.hashCode();
    }

    @Override
    public String toString() {
        return "Packet[" + octets.length + " octets, " + addressing + "]";
    }
}
