package com.example.mip6.psk;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.mip6kit.spi.Capability;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.DemoConfiguration;
import org.mip6kit.spi.HomeAddressException;
import org.mip6kit.spi.HomeAgentSecurity;
import org.mip6kit.spi.MobileNodeSecurity;
import org.mip6kit.spi.Placement;
import org.mip6kit.spi.ProviderConfigException;
import org.mip6kit.spi.ProviderContext;
import org.mip6kit.spi.ProviderDescriptor;
import org.mip6kit.spi.SecurityProviderFactory;
import org.mip6kit.spi.SpiVersion;
import org.mip6kit.wire.MobilityOptionCodec;

/**
 * example-psk: a small, complete mip6kit security provider written against {@code mip6kit-api}
 * alone, to be copied.
 *
 * <p>Each mobile node shares a key (16..64 octets) with its home agent. Every Binding Update
 * carries the node's NAI (RFC 4283) and, as its last option, a Vendor-Specific option
 * (RFC 5094, vendor 32473) with a 64-bit counter and a truncated HMAC-SHA256; see
 * {@link PskAuthenticator} for the layout and {@link ReplayTable} for replay protection. The
 * Binding Acknowledgement is signed the same way with the same key.
 *
 * <p>Capabilities: {@link Capability#INTEGRITY}; {@link Capability#NEEDS_ALTERNATE_COA} because
 * the MAC covers the Mobility Header and the pseudo-header (home address, home agent) but not
 * the packet's source address, so the care-of address must travel inside the message;
 * {@link Capability#NEEDS_CLOCK_SYNC} because counters are microseconds and must lie within
 * {@code max-clock-skew} of the home agent's clock, which is what lets it forget a node's
 * counter safely after {@code replay-window}.
 *
 * <p>Found by {@link java.util.ServiceLoader} through
 * {@code META-INF/services/org.mip6kit.spi.SecurityProviderFactory}; chosen with
 * {@code security.provider: example-psk}. Cheap to construct; thread-safe.
 */
public final class ExamplePskProviderFactory implements SecurityProviderFactory {

    /** The name operators write in {@code security.provider}. */
    public static final String NAME = "example-psk";

    static final ProviderDescriptor DESCRIPTOR = new ProviderDescriptor(NAME, "1.0.0", SpiVersion.MAJOR,
            Placement.IN_MESSAGE, EnumSet.of(Capability.INTEGRITY, Capability.NEEDS_ALTERNATE_COA,
                    Capability.NEEDS_CLOCK_SYNC));

    /** The node {@link #demoConfiguration} makes for {@code ./mip6kit demo}. */
    static final String DEMO_NAI = "mn1@example.com";
    /** Its key file, in the directory the demo hands over. */
    static final String DEMO_KEY_FILE = "mn1.hex";
    static final int DEMO_KEY_OCTETS = 32;

    /** ServiceLoader needs a public no-argument constructor; it does nothing else. */
    public ExamplePskProviderFactory() {
    }

    @Override
    public ProviderDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public List<MobilityOptionCodec<?>> optionCodecs() {
        return List.of(VendorSpecificOption.CODEC);
    }

    @Override
    public MobileNodeSecurity mobileNode(ProviderContext context, ConfigSection config)
            throws ProviderConfigException {
        return new PskMobileNodeSecurity(context, ExamplePskConfig.mobileNode(config));
    }

    /**
     * Also records each configured home address as owned by its node in the home agent's
     * {@link org.mip6kit.spi.HomeAddressBook}, so the engine refuses any other identity that asks
     * for it (status 129), even before the owner first registers.
     */
    @Override
    public HomeAgentSecurity homeAgent(ProviderContext context, ConfigSection config) throws ProviderConfigException {
        ExamplePskConfig.HomeAgent settings = ExamplePskConfig.homeAgent(config);
        int i = 0;
        for (NodeCredential node : settings.nodes().values()) {
            if (node.homeAddress().isPresent()) {
                try {
                    context.homeAddresses().adopt(node.identity(), node.homeAddress().get());
                } catch (HomeAddressException e) {
                    throw new ProviderConfigException(config.path() + ".nodes[" + i + "].home-address",
                            config.file().orElse(null), "cannot be reserved for " + node.nai() + ": "
                            + e.getMessage());
                }
            }
            i++;
        }
        return new PskHomeAgentSecurity(context, settings);
    }

    /**
     * What {@code ./mip6kit demo --provider example-psk} runs with: a fresh 32-octet key from
     * {@link SecureRandom}, in hexadecimal in {@value #DEMO_KEY_FILE} (mode 600) inside
     * {@code privateDirectory}, and the two sections an operator would write, both naming that
     * file by its absolute path: the home agent knows one node, {@value #DEMO_NAI}, with the
     * demo's home address; the mobile node is that node, with the demo's home address and home
     * agent. Nothing is written anywhere else; the demo removes the directory when it ends.
     */
    @Override
    public DemoConfiguration demoConfiguration(Path privateDirectory) throws ProviderConfigException {
        Path keyFile = privateDirectory.toAbsolutePath().resolve(DEMO_KEY_FILE);
        byte[] key = new byte[DEMO_KEY_OCTETS];
        try {
            new SecureRandom().nextBytes(key);
            Files.createFile(keyFile,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(keyFile, HexFormat.of().formatHex(key) + "\n", StandardCharsets.US_ASCII,
                    StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException | UnsupportedOperationException e) {
            throw new ProviderConfigException("security." + NAME + ".key-file", keyFile,
                    "cannot write the demo's key file: " + e.getMessage(), e);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
        return DemoConfiguration.of(
                Map.of("nodes", List.of(Map.of(
                        "nai", DEMO_NAI,
                        "key-file", keyFile.toString(),
                        "home-address", DemoConfiguration.HOME_ADDRESS.toString()))),
                Map.of("nai", DEMO_NAI,
                        "key-file", keyFile.toString(),
                        "home-address", DemoConfiguration.HOME_ADDRESS.toString(),
                        "home-agent", DemoConfiguration.HOME_AGENT.toString()));
    }
}
