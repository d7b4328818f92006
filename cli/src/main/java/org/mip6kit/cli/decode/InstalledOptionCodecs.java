package org.mip6kit.cli.decode;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.mip6kit.inject.DiscoveryReport;
import org.mip6kit.inject.FoundProvider;
import org.mip6kit.spi.SecurityProviderFactory;
import org.mip6kit.wire.MobilityOptionCodec;
import org.mip6kit.wire.MobilityOptionRegistry;

/**
 * The mobility options {@code mip6kit decode} knows: the standard ones plus those every installed
 * provider registers ({@link SecurityProviderFactory#optionCodecs()}), so that a capture of a
 * provider's traffic names its options (RFC 4285's Mobility Message Authentication, type 9, and
 * Mobility Message Replay Protection, type 10) instead of showing them as {@code Unknown(9)}.
 * "Installed" means found by {@link java.util.ServiceLoader} on the class path, which the
 * launcher builds from mip6kit's own jars, {@code plugins/} and {@code MIP6KIT_PLUGINS}.
 *
 * <p>Decoding must not fail because of one provider: a provider whose codec list cannot be read,
 * or whose option type is already taken by another codec, is reported in {@link #warnings()}
 * and its options (or that one option) stay {@code Unknown}. The same codec found twice (one
 * jar on the class path twice) is not a clash.
 */
public final class InstalledOptionCodecs {

    private final MobilityOptionRegistry registry;
    private final List<String> warnings;

    private InstalledOptionCodecs(MobilityOptionRegistry registry, List<String> warnings) {
        this.registry = registry;
        this.warnings = List.copyOf(warnings);
    }

    /** The standard options plus those of every provider in {@code providers}, in discovery order. */
    public static InstalledOptionCodecs of(DiscoveryReport providers) {
        Objects.requireNonNull(providers, "providers");
        MobilityOptionRegistry registry = MobilityOptionRegistry.standard();
        List<String> warnings = new ArrayList<>();
        for (FoundProvider p : providers.found()) {
            List<MobilityOptionCodec<?>> codecs;
            try {
                codecs = p.factory().optionCodecs();
            } catch (RuntimeException e) {
                warnings.add("provider " + p.name() + " (" + p.source() + ") could not list its mobility options ("
                        + e + "); its options show as Unknown");
                continue;
            }
            if (codecs == null) {
                continue;
            }
            for (MobilityOptionCodec<?> codec : codecs) {
                if (codec == null) {
                    continue;
                }
                Optional<MobilityOptionCodec<?>> taken = registry.codec(codec.type());
                if (taken.isPresent()) {
                    if (!sameCodec(taken.get(), codec)) {
                        warnings.add("provider " + p.name() + " registers option type " + codec.type() + " ("
                                + codec.name() + "), which is already " + taken.get().name()
                                + "; it is decoded as " + taken.get().name());
                    }
                    continue;
                }
                try {
                    registry = registry.with(codec);
                } catch (IllegalArgumentException e) {
                    warnings.add("provider " + p.name() + ": " + e.getMessage());
                }
            }
        }
        return new InstalledOptionCodecs(registry, warnings);
    }

    private static boolean sameCodec(MobilityOptionCodec<?> a, MobilityOptionCodec<?> b) {
        return a == b || (a.getClass().getName().equals(b.getClass().getName()) && a.name().equals(b.name()));
    }

    /** The registry to decode with. */
    public MobilityOptionRegistry registry() {
        return registry;
    }

    /** One line per provider option that could not be added; empty when all were. */
    public List<String> warnings() {
        return warnings;
    }
}
