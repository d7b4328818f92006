package org.mip6kit.spi;

import java.util.EnumSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The immutable description of a security provider: the name operators write in
 * {@code security.provider}, its version, the SPI major version it was built against, its
 * {@link Placement} and its {@link Capability capabilities}.
 *
 * @param name lower case letters, digits and '-', 1..64 characters, e.g. {@code auth-option-4285}
 * @param version the provider's own version, free text
 * @param spiMajorVersion the {@link SpiVersion#MAJOR} the provider was compiled against
 * @param placement where the protection sits
 * @param capabilities what it can do; must include {@link Capability#INTEGRITY}
 */
public record ProviderDescriptor(String name, String version, int spiMajorVersion, Placement placement,
                                 Set<Capability> capabilities) {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");

    public ProviderDescriptor {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("provider name must be lower case letters, digits and '-' "
                    + "(1..64, starting with a letter or digit), got: " + name);
        }
        if (version == null || version.isBlank()) {
            throw new IllegalArgumentException("provider " + name + " must state a version");
        }
        if (placement == null || capabilities == null) {
            throw new IllegalArgumentException("provider " + name + " must state its placement and capabilities");
        }
        if (!capabilities.contains(Capability.INTEGRITY)) {
            throw new IllegalArgumentException("provider " + name + " must provide INTEGRITY: "
                    + "a provider that does not authenticate signalling is not a security provider");
        }
        capabilities = Set.copyOf(EnumSet.copyOf(capabilities));
    }

    public boolean has(Capability capability) {
        return capabilities.contains(capability);
    }
}
