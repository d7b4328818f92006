package org.mip6kit.spi;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

import org.mip6kit.wire.MobilityHeaderCodec;
import org.mip6kit.wire.MobilityHeaderFormatException;
import org.mip6kit.wire.MobilityMessage;

/**
 * One received Mobility Header message before the engine has judged it: the octets exactly as
 * received (from Payload Proto to the last option, checksum included), the {@link Addressing},
 * what the receiving transport {@link Observed observed}, and optionally an opaque attachment
 * the provider's path put there (its channel association, a decrypted record's sequence
 * number) for its own {@link SignallingPath#verify} to read back. Created by the
 * {@link SignallingPath} (from the engine's transport or the provider's own channel) and
 * handed to the receiver given to {@link SignallingPath#start}. Immutable; the engine never
 * looks inside the attachment.
 *
 * <p><b>Reading the octets without copies.</b> The home agent reads every received message
 * several times (decoding, then the provider's own check of its options and authenticator), so
 * besides {@link #octets()}, which returns a fresh copy, an {@code Inbound} offers reads that copy
 * nothing or copy into the caller's own buffer: {@link #length()}, {@link #octet(int)},
 * {@link #copyTo(int, byte[], int, int)} and {@link #decode(MobilityHeaderCodec)}. None of them
 * lets anyone write to the octets, so an {@code Inbound} stays immutable whoever holds it. A
 * transport that made a fresh array for a datagram can hand it over with
 * {@link #wrapping(byte[], Addressing, Observed)} instead of having the constructor copy it.
 */
public final class Inbound {

    private final byte[] octets;
    private final Addressing addressing;
    private final Observed observed;
    private final Object attachment;

    /** A message with a copy of {@code octets}. */
    public Inbound(byte[] octets, Addressing addressing, Observed observed) {
        this(octets.clone(), addressing, observed, null);
    }

    /**
     * A message that keeps {@code octets} itself instead of a copy: the caller hands the array
     * over and must never write to it again (a transport passing the fresh array it parsed a
     * datagram into). Saves one copy per received message; otherwise the same as the constructor.
     *
     * @throws IllegalArgumentException if an argument is null
     */
    public static Inbound wrapping(byte[] octets, Addressing addressing, Observed observed) {
        return new Inbound(octets, addressing, observed, null);
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

    /** A copy of the Mobility Header octets (a new array each call; see the class comment for reads that copy less). */
    public byte[] octets() {
        return octets.clone();
    }

    /**
     * Copies {@code length} octets starting at {@code from} into {@code destination} at
     * {@code at}: for a provider that keeps a buffer of its own per thread (to compute a MAC over
     * the message, for instance) and so allocates nothing per message.
     *
     * @throws IndexOutOfBoundsException if either range is outside its array
     */
    public void copyTo(int from, byte[] destination, int at, int length) {
        Objects.checkFromIndexSize(from, length, octets.length);
        Objects.checkFromIndexSize(at, length, destination.length);
        System.arraycopy(octets, from, destination, at, length);
    }

    /**
     * Decodes the octets with {@code codec}, the checksum verified over
     * {@link Addressing#pseudoHeaderSource()} and {@link Addressing#pseudoHeaderDestination()}
     * (as {@link MobilityHeaderCodec#decode}), without copying them first. The codec and its
     * option codecs only read the octets; the message returned holds copies of what it keeps.
     *
     * @throws MobilityHeaderFormatException as {@link MobilityHeaderCodec#decode}
     */
    public MobilityMessage decode(MobilityHeaderCodec codec) throws MobilityHeaderFormatException {
        return codec.decode(octets, addressing.pseudoHeaderSource(), addressing.pseudoHeaderDestination());
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
