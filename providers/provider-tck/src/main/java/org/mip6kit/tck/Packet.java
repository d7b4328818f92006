package org.mip6kit.tck;

import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

import org.mip6kit.spi.Addressing;
import org.mip6kit.transport.InMemoryProviderNetwork;
import org.mip6kit.transport.InMemoryProviderNetwork.Kind;
import org.mip6kit.wire.BindingAcknowledgement;
import org.mip6kit.wire.BindingUpdate;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.MobilityHeaderCodec;
import org.mip6kit.wire.MobilityHeaderFormatException;
import org.mip6kit.wire.MobilityMessage;
import org.mip6kit.wire.packet.MobilityPacket;
import org.mip6kit.wire.packet.MobilityPacketParser;

/**
 * One packet on the kit's network as it left its sender: a UDP datagram or a raw Mobility
 * Header packet, who sent it, and — as the kit learnt by wrapping the sender's
 * {@link org.mip6kit.spi.SignallingPath} — which message, if any, the sender's path was sending
 * when it left ({@link #carries()}: a Binding Update, a Binding Acknowledgement; empty for a
 * channel's handshake or an attacker's packet). The octets are whatever the provider put on the
 * wire: Mobility Header octets, an inner IPv6 packet in UDP (RFC 5555 framing, the engine's
 * transport), or a provider's own opaque records.
 *
 * <p>Immutable. The {@code with...} methods make the copies an attacker would send; those
 * that change a Mobility Header recompute its checksum, as any on-path attacker would (the
 * checksum protects against noise, not against forgery).
 */
public final class Packet {

    /** How the octets frame a Mobility Header, as far as an observer can tell. */
    public enum Framing {
        /** A raw Mobility Header packet: the octets are the Mobility Header. */
        MOBILITY_HEADER,
        /** A UDP datagram holding an inner IPv6 packet around a Mobility Header (RFC 5555). */
        ENCAPSULATED,
        /** A UDP datagram the kit cannot look into (a provider's own records, a handshake). */
        OPAQUE
    }

    private final Kind kind;
    private final String sender;
    private final InetSocketAddress source;
    private final InetSocketAddress destination;
    private final byte[] octets;
    private final Optional<Addressing> addressing;
    private final Optional<String> tunnel;
    private final Optional<MobilityMessage> carries;
    private final InMemoryProviderNetwork.Packet original;

    Packet(InMemoryProviderNetwork.Packet raw, String sender, Optional<MobilityMessage> carries) {
        this(raw.kind(), sender, raw.source(), raw.destination(), raw.payload(), raw.addressing(), raw.tunnel(),
                carries, raw);
    }

    private Packet(Kind kind, String sender, InetSocketAddress source, InetSocketAddress destination, byte[] octets,
                   Optional<Addressing> addressing, Optional<String> tunnel, Optional<MobilityMessage> carries,
                   InMemoryProviderNetwork.Packet original) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.sender = Objects.requireNonNull(sender, "sender");
        this.source = Objects.requireNonNull(source, "source");
        this.destination = Objects.requireNonNull(destination, "destination");
        this.octets = octets.clone();
        this.addressing = Objects.requireNonNull(addressing, "addressing");
        this.tunnel = Objects.requireNonNull(tunnel, "tunnel");
        this.carries = Objects.requireNonNull(carries, "carries");
        this.original = original;
    }

    /** A Mobility Header packet an attacker builds: {@code octets} with {@code addressing}. */
    public static Packet forgedMobilityHeader(byte[] octets, Addressing addressing) {
        return new Packet(Kind.MOBILITY_HEADER, Deployment.ATTACKER, socket(addressing.source()),
                socket(addressing.destination()), octets, Optional.of(withoutOuterPeer(addressing)),
                Optional.empty(), Optional.empty(), null);
    }

    /** A UDP datagram an attacker builds, with any source. */
    public static Packet forgedDatagram(InetSocketAddress from, InetSocketAddress to, byte[] payload) {
        return new Packet(Kind.UDP, Deployment.ATTACKER, from, to, payload, Optional.empty(), Optional.empty(),
                Optional.empty(), null);
    }

    public Kind kind() {
        return kind;
    }

    /** The name of the participant that sent it ({@link Deployment#ATTACKER} for the attacker's). */
    public String sender() {
        return sender;
    }

    /** The source as the receiver sees it (after a NAT; port 0 for a Mobility Header packet). */
    public InetSocketAddress source() {
        return source;
    }

    public InetSocketAddress destination() {
        return destination;
    }

    /** A copy of the octets: the UDP payload, or the Mobility Header of a raw packet. */
    public byte[] octets() {
        return octets.clone();
    }

    public int length() {
        return octets.length;
    }

    /** The addressing of a raw Mobility Header packet (Home Address option, routing header); empty for UDP. */
    public Optional<Addressing> addressing() {
        return addressing;
    }

    /** The sender's tunnel interface the packet entered, if it went through one. */
    public Optional<String> tunnel() {
        return tunnel;
    }

    /** The message the sender's signalling path was sending when this packet left, if any. */
    public Optional<MobilityMessage> carries() {
        return carries;
    }

    public boolean carriesBindingUpdate() {
        return carries.filter(m -> m instanceof BindingUpdate).isPresent();
    }

    public boolean carriesBindingAcknowledgement() {
        return carries.filter(m -> m instanceof BindingAcknowledgement).isPresent();
    }

    /** The network's own record of this packet, when it really left a sender (for a late release). */
    Optional<InMemoryProviderNetwork.Packet> original() {
        return Optional.ofNullable(original);
    }

    /** How the octets frame a Mobility Header. */
    public Framing framing() {
        if (kind == Kind.MOBILITY_HEADER) {
            return Framing.MOBILITY_HEADER;
        }
        return encapsulated().isPresent() ? Framing.ENCAPSULATED : Framing.OPAQUE;
    }

    /** The Mobility Header octets inside, when the framing shows them. */
    public Optional<byte[]> mobilityHeader() {
        return switch (framing()) {
            case MOBILITY_HEADER -> Optional.of(octets.clone());
            case ENCAPSULATED -> encapsulated().map(MobilityPacket::mobilityHeader);
            case OPAQUE -> Optional.empty();
        };
    }

    /** The addressing of the Mobility Header inside (for UDP: the inner packet's, with this datagram's source as outer peer). */
    public Optional<Addressing> innerAddressing() {
        return switch (framing()) {
            case MOBILITY_HEADER -> addressing;
            case ENCAPSULATED -> encapsulated().map(p -> new Addressing(p.source(), p.destination(),
                    p.homeAddressOption(), p.type2RoutingHeader(), Optional.of(source)));
            case OPAQUE -> Optional.empty();
        };
    }

    /** The Mobility Header inside, decoded with {@code codec} (checksum checked), when it can be seen and decodes. */
    public Optional<MobilityMessage> decode(MobilityHeaderCodec codec) {
        Optional<byte[]> mh = mobilityHeader();
        Optional<Addressing> a = innerAddressing();
        if (mh.isEmpty() || a.isEmpty() || !looksLikeMobilityHeader(mh.get())) {
            return Optional.empty();
        }
        try {
            return Optional.of(codec.decode(mh.get(), a.get().pseudoHeaderSource(), a.get().pseudoHeaderDestination()));
        } catch (MobilityHeaderFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * How many octets an attacker can change one at a time: those of the Mobility Header when the
     * framing shows one, else the whole payload.
     */
    public int tamperableLength() {
        return mobilityHeader().map(mh -> mh.length).orElse(octets.length);
    }

    /**
     * A copy with octet {@code index} of the Mobility Header (or, for opaque octets, of the
     * payload) XORed with {@code mask}; a Mobility Header's checksum is recomputed unless the
     * change is to the checksum itself.
     */
    public Packet withOctetFlipped(int index, int mask) {
        Optional<byte[]> mh = mobilityHeader();
        if (mh.isEmpty()) {
            byte[] copy = octets.clone();
            copy[index] ^= (byte) mask;
            return withOctets(copy);
        }
        byte[] m = mh.get();
        m[index] ^= (byte) mask;
        boolean checksum = index == MobilityHeaderCodec.CHECKSUM_OFFSET || index == MobilityHeaderCodec.CHECKSUM_OFFSET + 1;
        return withMobilityHeader(m, innerAddressing().orElseThrow(), !checksum);
    }

    /**
     * A copy whose Mobility Header travels with {@code inner} addressing (another source, another
     * Home Address option), checksum recomputed. For UDP the datagram's own source is kept.
     *
     * @throws IllegalStateException if the framing shows no Mobility Header
     */
    public Packet withInnerAddressing(Addressing inner) {
        byte[] mh = mobilityHeader().orElseThrow(() -> new IllegalStateException("no Mobility Header to readdress in "
                + this));
        return withMobilityHeader(mh, inner, true);
    }

    /** The same octets from another source: for UDP the outer source endpoint, for a raw packet the IPv6 source. */
    public Packet withSource(InetSocketAddress newSource) {
        if (kind == Kind.MOBILITY_HEADER) {
            Addressing a = addressing.orElseThrow();
            Addressing moved = new Addressing(Ipv6Address.fromBytes(newSource.getAddress()
                    .getAddress()), a.destination(), a.homeAddressOption(), a.routingHeader(), Optional.empty());
            return new Packet(kind, Deployment.ATTACKER, socket(moved.source()), destination, octets,
                    Optional.of(moved), Optional.empty(), Optional.empty(), null);
        }
        return new Packet(kind, Deployment.ATTACKER, newSource, destination, octets, addressing, Optional.empty(),
                Optional.empty(), null);
    }

    /** The same packet to another destination (for UDP another endpoint; for a raw packet another address). */
    public Packet withDestination(InetSocketAddress newDestination) {
        if (kind == Kind.MOBILITY_HEADER) {
            Addressing a = addressing.orElseThrow();
            Addressing moved = new Addressing(a.source(), Ipv6Address.fromBytes(newDestination
                    .getAddress().getAddress()), a.homeAddressOption(), a.routingHeader(), Optional.empty());
            return new Packet(kind, Deployment.ATTACKER, source, socket(moved.destination()), octets,
                    Optional.of(moved), Optional.empty(), Optional.empty(), null);
        }
        return new Packet(kind, Deployment.ATTACKER, source, newDestination, octets, addressing, Optional.empty(),
                Optional.empty(), null);
    }

    /** A copy with other payload octets, as the attacker's. */
    public Packet withOctets(byte[] replacement) {
        return new Packet(kind, Deployment.ATTACKER, source, destination, replacement, addressing, Optional.empty(),
                Optional.empty(), null);
    }

    private Packet withMobilityHeader(byte[] mh, Addressing inner, boolean fixChecksum) {
        byte[] m = mh.clone();
        if (fixChecksum && looksLikeMobilityHeader(m)) {
            MobilityHeaderCodec.fillChecksum(m, inner.pseudoHeaderSource(), inner.pseudoHeaderDestination());
        }
        if (kind == Kind.MOBILITY_HEADER) {
            Addressing plain = withoutOuterPeer(inner);
            return new Packet(kind, Deployment.ATTACKER, socket(plain.source()), socket(plain.destination()), m,
                    Optional.of(plain), Optional.empty(), Optional.empty(), null);
        }
        byte[] framed = new MobilityPacket(inner.source(), inner.destination(), inner.homeAddressOption(),
                inner.routingHeader(), Optional.empty(), m).toBytes();
        return withOctets(framed);
    }

    private Optional<MobilityPacket> encapsulated() {
        if (kind != Kind.UDP || octets.length < 41 || (octets[0] & 0xF0) != 0x60) {
            return Optional.empty();
        }
        try {
            MobilityPacket p = MobilityPacketParser.parse(octets);
            return p.udpEncapsulation().isPresent() ? Optional.empty() : Optional.of(p);
        } catch (MobilityHeaderFormatException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Framed like a Mobility Header (Payload Proto 59, Header Len matching the length). */
    static boolean looksLikeMobilityHeader(byte[] o) {
        return o.length >= 8 && o.length % 8 == 0 && (o[0] & 0xFF) == MobilityHeaderCodec.PAYLOAD_PROTO_NONE
                && ((o[1] & 0xFF) + 1) * 8 == o.length;
    }

    static Addressing withoutOuterPeer(Addressing a) {
        return new Addressing(a.source(), a.destination(), a.homeAddressOption(), a.routingHeader(), Optional.empty());
    }

    static InetSocketAddress socket(Ipv6Address a) {
        return new InetSocketAddress(a.toInetAddress(), 0);
    }

    /** Same kind, addresses, octets and addressing (who sent it and what it carried aside). */
    public boolean sameOnTheWire(Packet other) {
        return other.kind == kind && other.source.equals(source) && other.destination.equals(destination)
                && Arrays.equals(other.octets, octets) && other.addressing.equals(addressing);
    }

    @Override
    public String toString() {
        return kind + "[" + octets.length + " octets " + source + " -> " + destination + " from " + sender
                + tunnel.map(t -> " through " + t).orElse("")
                + carries.map(m -> ", carries " + m.type()).orElse("") + "]";
    }
}
