package org.mip6kit.spi;

import java.util.Arrays;
import java.util.Optional;

/**
 * One received Mobility Header message before the engine has judged it: the octets exactly as
 * received (from Payload Proto to the last option, checksum included), the {@link Addressing},
 * what the receiving transport {@link Observed observed}, and optionally an opaque attachment
 * the provider's path put there (its channel association, a decrypted record's sequence
 * number) for its own {@link SignallingPath#verify} to read back. Created by the
 * {@link SignallingPath} (from the engine's transport or the provider's own channel) and
 * handed to the receiver given to {@link SignallingPath#start}. Immutable; the engine never
 * looks inside the attachment.
 */
public final class Inbound {

    private final byte[] octets;
    private final Addressing addressing;
    private final Observed observed;
    private final Object attachment;

    public Inbound(byte[] octets, Addressing addressing, Observed observed) {
        this(octets.clone(), addressing, observed, null);
    }

    private Inbound(byte[] owned, Addressing addressing, Observed observed, Object attachment) {
        if (owned == null || addressing == null || observed == null) {
            throw new IllegalArgumentException("octets, addressing and observed are required");
        }
        this.octets = owned;
        this.addressing = addressing;
        this.observed = observed;
        this.attachment = attachment;
    }

    /**
     * The same message with {@code attachment} attached (replacing any earlier one). The
     * attachment should be immutable or thread-safe: verification may run on another thread.
     */
    public Inbound withAttachment(Object attachment) {
        return new Inbound(octets, addressing, observed, attachment);
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

    /** What the receiving transport observed: ingress interface and local address. */
    public Observed observed() {
        return observed;
    }

    /** The provider's attachment, if its path set one. */
    public Optional<Object> attachment() {
        return Optional.ofNullable(attachment);
    }

    /** The attachment if it is a {@code type}. */
    public <T> Optional<T> attachment(Class<T> type) {
        return type.isInstance(attachment) ? Optional.of(type.cast(attachment)) : Optional.empty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Inbound i && Arrays.equals(i.octets, octets) && i.addressing.equals(addressing)
                && i.observed.equals(observed) && java.util.Objects.equals(i.attachment, attachment);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(octets) * 31 + addressing.hashCode();
    }

    @Override
    public String toString() {
        return "Inbound[" + octets.length + " octets, " + addressing + ", " + observed
                + (attachment != null ? ", attachment" : "") + "]";
    }
}
