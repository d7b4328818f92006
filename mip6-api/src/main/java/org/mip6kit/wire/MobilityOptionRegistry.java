package org.mip6kit.wire;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An immutable table from mobility option type to {@link MobilityOptionCodec}: the open
 * registry of option types. {@link #standard()} knows the options of RFC 6275, 3963, 4283
 * and 5555; {@link #with} returns a new registry that also knows another module's option
 * (the RFC 4285 provider adds types 9 and 10 this way). Types with no codec decode to
 * {@link UnknownOption}.
 */
public final class MobilityOptionRegistry {

    private static final MobilityOptionRegistry STANDARD = new MobilityOptionRegistry(new MobilityOptionCodec<?>[256])
            .with(BindingRefreshAdvice.CODEC)
            .with(AlternateCareOfAddress.CODEC)
            .with(NonceIndices.CODEC)
            .with(BindingAuthorizationData.CODEC)
            .with(MobileNetworkPrefix.CODEC)
            .with(MobileNodeIdentifier.CODEC)
            .with(Ipv4HomeAddressRequest.CODEC)
            .with(Ipv4AddressAcknowledgement.CODEC)
            .with(NatDetection.CODEC)
            .with(Ipv4CareOfAddress.CODEC);

    private final MobilityOptionCodec<?>[] byType;

    private MobilityOptionRegistry(MobilityOptionCodec<?>[] byType) {
        this.byType = byType;
    }

    /** Options 2–6 (RFC 6275, 3963), 8 (RFC 4283) and 29–32 (RFC 5555). */
    public static MobilityOptionRegistry standard() {
        return STANDARD;
    }

    /**
     * A registry that also knows {@code codec}.
     *
     * @throws IllegalArgumentException if the type is 0 or 1 (padding) or already has a codec
     */
    public MobilityOptionRegistry with(MobilityOptionCodec<?> codec) {
        int type = codec.type();
        if (type < 2 || type > 255) {
            throw new IllegalArgumentException("option type " + type + " cannot be registered (2..255)");
        }
        if (byType[type] != null) {
            throw new IllegalArgumentException("option type " + type + " is already registered to "
                    + byType[type].name() + "; cannot register " + codec.name());
        }
        MobilityOptionCodec<?>[] copy = byType.clone();
        copy[type] = codec;
        return new MobilityOptionRegistry(copy);
    }

    /** The codec for an option type, if one is registered. */
    public Optional<MobilityOptionCodec<?>> codec(int type) {
        return type >= 0 && type < 256 ? Optional.ofNullable(byType[type]) : Optional.empty();
    }

    /** The registered option name, {@code "Pad1"}/{@code "PadN"} for padding, else {@code "Unknown"}. */
    public String name(int type) {
        if (type == Pad1.TYPE) {
            return "Pad1";
        }
        if (type == PadN.TYPE) {
            return "PadN";
        }
        MobilityOptionCodec<?> c = type >= 0 && type < 256 ? byType[type] : null;
        return c != null ? c.name() : "Unknown";
    }

    /** The registered codecs, in type order. */
    public List<MobilityOptionCodec<?>> codecs() {
        List<MobilityOptionCodec<?>> out = new ArrayList<>();
        for (MobilityOptionCodec<?> c : byType) {
            if (c != null) {
                out.add(c);
            }
        }
        return List.copyOf(out);
    }

    MobilityOptionCodec<?> codecOrNull(int type) {
        return byType[type];
    }
}
