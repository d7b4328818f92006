package org.mip6kit.spi;

import java.util.Arrays;

/**
 * One received Mobility Header message before the engine has judged it: the octets exactly as
 * received (from Payload Proto to the last option, checksum included), the addressing, and
 * the {@link IngressEvidence}. Created by the {@link SignallingPath} (from the engine's
 * transport or the provider's own channel) and handed to the receiver given to
 * {@link SignallingPath#start}. Immutable.
 */
public final class Inbound {

    private final byte[] octets;
    private final Addressing addressing;
    private final IngressEvidence evidence;

    public Inbound(byte[] octets, Addressing addressing, IngressEvidence evidence) {
        if (octets == null || addressing == null || evidence == null) {
            throw new IllegalArgumentException("octets, addressing and evidence are required");
        }
        this.octets = octets.clone();
        this.addressing = addressing;
        this.evidence = evidence;
    }

    /** A copy of the Mobility Header octets. */
    public byte[] octets() {
        return octets.clone();
    }

    /** The number of Mobility Header octets. */
    public int length() {
        return octets.length;
    }

    /** The octet at {@code index}, without copying. */
    public int octet(int index) {
        return octets[index] & 0xFF;
    }

    public Addressing addressing() {
        return addressing;
    }

    public IngressEvidence evidence() {
        return evidence;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Inbound i && Arrays.equals(i.octets, octets) && i.addressing.equals(addressing)
                && i.evidence.equals(evidence);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(octets) * 31 + addressing.hashCode();
    }

    @Override
    public String toString() {
        return "Inbound[" + octets.length + " octets, " + addressing + ", " + evidence + "]";
    }
}
