package org.mip6kit.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;

import org.mip6kit.spi.Capability;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.DemoConfiguration;
import org.mip6kit.spi.HomeAgentSecurity;
import org.mip6kit.spi.MobileNodeSecurity;
import org.mip6kit.spi.Placement;
import org.mip6kit.spi.ProviderConfigException;
import org.mip6kit.spi.ProviderContext;
import org.mip6kit.spi.ProviderDescriptor;
import org.mip6kit.spi.SecurityProviderFactory;
import org.mip6kit.spi.SpiVersion;

/**
 * A test-only provider, {@value #NAME}, that cannot run in the demo: its
 * {@link #demoConfiguration} says why, as a provider needing root or a key-management daemon
 * would. It remembers the directory the demo handed it and that directory's permissions then,
 * so a test can check both. Listed in this module's test {@code META-INF/services}; it configures
 * nothing else.
 */
public final class NoDemoTestProvider implements SecurityProviderFactory {

    public static final String NAME = "test-no-demo";
    public static final String REASON = "it needs root and a running IKEv2 daemon (a test provider)";

    private static final ProviderDescriptor DESCRIPTOR = new ProviderDescriptor(NAME, "test", SpiVersion.MAJOR,
            Placement.BELOW_STACK, EnumSet.of(Capability.INTEGRITY, Capability.NEEDS_ROOT));

    private static volatile Path lastDirectory;
    private static volatile String lastDirectoryPermissions;

    @Override
    public ProviderDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public MobileNodeSecurity mobileNode(ProviderContext context, ConfigSection config) throws ProviderConfigException {
        throw config.error("nai", "the test provider " + NAME + " makes no mobile node");
    }

    @Override
    public HomeAgentSecurity homeAgent(ProviderContext context, ConfigSection config) throws ProviderConfigException {
        throw config.error("nodes", "the test provider " + NAME + " makes no home agent");
    }

    @Override
    public DemoConfiguration demoConfiguration(Path privateDirectory) {
        lastDirectory = privateDirectory;
        try {
            lastDirectoryPermissions = PosixFilePermissions.toString(Files.getPosixFilePermissions(privateDirectory));
        } catch (IOException e) {
            lastDirectoryPermissions = "unreadable: " + e;
        }
        return DemoConfiguration.unsupported(REASON);
    }

    /** The directory the last {@link #demoConfiguration} call was handed, or {@code null}. */
    static Path lastDirectory() {
        return lastDirectory;
    }

    /** Its permissions at the time, e.g. {@code rwx------}. */
    static String lastDirectoryPermissions() {
        return lastDirectoryPermissions;
    }
}
