package org.mip6kit.spi;

import java.util.Map;
import java.util.Optional;

import org.mip6kit.wire.Ipv6Address;

/**
 * What a provider supplies for the demo ({@link SecurityProviderFactory#demoConfiguration}):
 * either its two configuration sections, or the reason it cannot run there (it needs root, a
 * daemon, hardware). The sections are plain values as a YAML parser would produce them
 * (strings, numbers, booleans, lists, maps) and are checked by the provider's own
 * {@code homeAgent}/{@code mobileNode} like any configuration file.
 *
 * @param homeAgentSection the home agent's {@code security.<name>} section
 * @param mobileNodeSection the mobile node's {@code security.<name>} section
 * @param unsupportedReason present when the provider cannot run in the demo; then both sections are empty
 */
public record DemoConfiguration(Map<String, Object> homeAgentSection, Map<String, Object> mobileNodeSection,
                                Optional<String> unsupportedReason) {

    /** The demo home agent's address. */
    public static final Ipv6Address HOME_AGENT = Ipv6Address.parse("2001:db8:1::1");
    /** The demo home prefix, {@code 2001:db8:1::/64}. */
    public static final HomePrefix HOME_PREFIX = HomePrefix.parse("2001:db8:1::/64");
    /** The demo mobile node's home address. */
    public static final Ipv6Address HOME_ADDRESS = Ipv6Address.parse("2001:db8:1::100");

    public DemoConfiguration {
        if (homeAgentSection == null || mobileNodeSection == null || unsupportedReason == null) {
            throw new IllegalArgumentException("sections and reason are required (use Map.of(), Optional.empty())");
        }
        homeAgentSection = Map.copyOf(homeAgentSection);
        mobileNodeSection = Map.copyOf(mobileNodeSection);
    }

    /** The two sections of a provider that can run in the demo. */
    public static DemoConfiguration of(Map<String, Object> homeAgentSection, Map<String, Object> mobileNodeSection) {
        return new DemoConfiguration(homeAgentSection, mobileNodeSection, Optional.empty());
    }

    /** A provider that cannot run in the demo, and why (printed to the user). */
    public static DemoConfiguration unsupported(String reason) {
        return new DemoConfiguration(Map.of(), Map.of(), Optional.of(reason));
    }

    public boolean supported() {
        return unsupportedReason.isEmpty();
    }
}
