package org.mip6kit.inject;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;

import ch.qos.logback.classic.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mip6kit.inject.ProviderSelectionException.Reason;
import org.mip6kit.inject.fixture.AlphaFactory;
import org.mip6kit.inject.fixture.BetaFactory;
import org.mip6kit.inject.fixture.ConstructorThrowsFactory;
import org.mip6kit.inject.fixture.FutureSpiFactory;
import org.mip6kit.inject.fixture.TwinInFirstJarFactory;
import org.mip6kit.inject.fixture.TwinInSecondJarFactory;
import org.mip6kit.spi.SecurityProviderFactory;
import org.mip6kit.spi.SpiVersion;

/**
 * The selection rules over providers in jars built per test, through the plain-Java path
 * ({@link SecurityProviders} and {@link DiscoveryReport#select(String)}).
 */
@Tag("medium")
class ProviderSelectionTest {

    @TempDir
    Path tmp;
    private ProviderJars jars;
    private String savedOverride;

    @BeforeEach
    void setUp() {
        jars = new ProviderJars(tmp);
        savedOverride = System.getProperty(SecurityProviderChoice.OVERRIDE_PROPERTY);
        System.clearProperty(SecurityProviderChoice.OVERRIDE_PROPERTY);
    }

    @AfterEach
    void tearDown() throws Exception {
        restoreOverride();
        jars.close();
    }

    private void restoreOverride() {
        if (savedOverride == null) {
            System.clearProperty(SecurityProviderChoice.OVERRIDE_PROPERTY);
        } else {
            System.setProperty(SecurityProviderChoice.OVERRIDE_PROPERTY, savedOverride);
        }
    }

    @Test
    void configuredNameSelectsThatProvider() throws Exception {
        Path alpha = jars.jar("alpha.jar", AlphaFactory.class);
        Path beta = jars.jar("beta.jar", BetaFactory.class);

        SecurityProviderFactory selected = SecurityProviders.select(jars.loader(alpha, beta), "beta");

        assertThat(selected.getClass().getName()).isEqualTo(BetaFactory.class.getName());
        assertThat(selected.descriptor().name()).isEqualTo("beta");
    }

    @Test
    void unknownNameFailsListingEveryNameFoundSortedAndTheBrokenJars() {
        Path beta = jars.jar("beta.jar", BetaFactory.class);
        Path alpha = jars.jar("alpha.jar", AlphaFactory.class);
        Path broken = jars.jar("broken.jar", "com.example.Missing\n");
        DiscoveryReport report = jars.discover(beta, alpha, broken);

        ProviderSelectionException e = catchThrowableOfType(ProviderSelectionException.class,
                () -> report.select("gamma"));

        assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_PROVIDER);
        assertThat(e.namesFound()).containsExactly("alpha", "beta");
        assertThat(e.getMessage())
                .startsWith("Unknown security provider 'gamma' (chosen by configuration key security.provider).")
                .contains("Providers found: alpha, beta")
                .contains(broken + "!/" + ProviderDiscovery.SERVICE_FILE + ": Provider com.example.Missing not found")
                .contains("There is no fallback")
                .endsWith("See docs/errors.md#unknown-provider");
    }

    @Test
    void unknownNameWithNothingInstalledSaysNoneWereFound() {
        DiscoveryReport report = jars.discover();

        ProviderSelectionException e = catchThrowableOfType(ProviderSelectionException.class,
                () -> report.select("alpha"));

        assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_PROVIDER);
        assertThat(e.getMessage()).contains("Providers found: none");
    }

    @Test
    void goodProviderStaysSelectableNextToAServiceFileNamingAMissingClass() throws Exception {
        Path broken = jars.jar("broken.jar", "com.example.Missing\n");
        Path alpha = jars.jar("alpha.jar", AlphaFactory.class);
        DiscoveryReport report = jars.discover(broken, alpha);

        try (LogCapture log = new LogCapture()) {
            SecurityProviderFactory selected = report.select("alpha");

            assertThat(selected.descriptor().name()).isEqualTo("alpha");
            assertThat(log.lines(Level.WARN)).containsExactly("security provider entry skipped: " + broken + "!/"
                    + ProviderDiscovery.SERVICE_FILE + ": Provider com.example.Missing not found (see "
                    + BrokenProvider.DOCS + ")");
        }
        assertThat(report.broken()).singleElement()
                .satisfies(b -> assertThat(b.source()).isEqualTo(broken + "!/" + ProviderDiscovery.SERVICE_FILE));
    }

    @Test
    void factoryWhoseConstructorThrowsIsReportedAndSkipped() throws Exception {
        Path throwing = jars.jar("throwing.jar", ConstructorThrowsFactory.class);
        Path alpha = jars.jar("alpha.jar", AlphaFactory.class);
        DiscoveryReport report = jars.discover(throwing, alpha);

        try (LogCapture log = new LogCapture()) {
            assertThat(report.select("alpha").descriptor().name()).isEqualTo("alpha");
            assertThat(log.lines(Level.WARN)).singleElement().asString()
                    .startsWith("security provider entry skipped: " + throwing + ": Provider "
                            + ConstructorThrowsFactory.class.getName() + " could not be instantiated");
        }
        // Its name is never learnt, so selecting it is an unknown name that shows the broken jar.
        ProviderSelectionException e = catchThrowableOfType(ProviderSelectionException.class,
                () -> report.select("throws"));
        assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_PROVIDER);
        assertThat(e.getMessage()).contains(throwing.toString());
    }

    @Test
    void twoJarsWithOneNameFailNamingBothJars() {
        Path first = jars.jar("twin-first.jar", TwinInFirstJarFactory.class);
        Path second = jars.jar("twin-second.jar", TwinInSecondJarFactory.class);
        DiscoveryReport report = jars.discover(first, second);

        ProviderSelectionException e = catchThrowableOfType(ProviderSelectionException.class,
                () -> report.select("twin"));

        assertThat(e.reason()).isEqualTo(Reason.DUPLICATE_PROVIDER);
        assertThat(e.getMessage())
                .startsWith("2 security providers are named 'twin'")
                .contains(TwinInFirstJarFactory.class.getName() + " 1.0 from " + first)
                .contains(TwinInSecondJarFactory.class.getName() + " 1.1 from " + second)
                .endsWith("See docs/errors.md#duplicate-provider");
    }

    @Test
    void duplicatedNameThatIsNotSelectedIsOnlyWarnedAbout() throws Exception {
        Path first = jars.jar("twin-first.jar", TwinInFirstJarFactory.class);
        Path second = jars.jar("twin-second.jar", TwinInSecondJarFactory.class);
        Path alpha = jars.jar("alpha.jar", AlphaFactory.class);
        DiscoveryReport report = jars.discover(first, second, alpha);

        try (LogCapture log = new LogCapture()) {
            assertThat(report.select("alpha").descriptor().name()).isEqualTo("alpha");
            assertThat(log.lines(Level.WARN)).singleElement().asString()
                    .contains("'twin' is carried by 2 jars").contains(first.toString()).contains(second.toString());
        }
    }

    @Test
    void selectedProviderBuiltForSpiMajor3FailsNamingBothVersions() {
        Path future = jars.jar("future.jar", FutureSpiFactory.class);
        DiscoveryReport report = jars.discover(future);

        ProviderSelectionException e = catchThrowableOfType(ProviderSelectionException.class,
                () -> report.select("future"));

        assertThat(e.reason()).isEqualTo(Reason.SPI_VERSION_MISMATCH);
        assertThat(SpiVersion.MAJOR).isEqualTo(2);
        assertThat(e.getMessage())
                .startsWith("Security provider 'future' 3.0 from " + future
                        + " was built for SPI major version 3, but this engine implements SPI "
                        + SpiVersion.text() + " (major version 2).")
                .endsWith("See docs/errors.md#spi-version-mismatch");
    }

    @Test
    void incompatibleProviderThatIsNotSelectedIsOnlyReported() throws Exception {
        Path future = jars.jar("future.jar", FutureSpiFactory.class);
        Path alpha = jars.jar("alpha.jar", AlphaFactory.class);
        DiscoveryReport report = jars.discover(future, alpha);

        try (LogCapture log = new LogCapture()) {
            assertThat(report.select("alpha").descriptor().name()).isEqualTo("alpha");
            assertThat(log.lines(Level.WARN)).singleElement().asString()
                    .contains("'future' 3.0").contains("built for SPI major version 3 but this engine has 2");
        }
        assertThat(report.selectable()).extracting(FoundProvider::name).containsExactly("alpha");
    }

    @Test
    void systemPropertyOverridesTheConfiguredName() throws Exception {
        DiscoveryReport report = jars.discover(jars.jar("alpha.jar", AlphaFactory.class),
                jars.jar("beta.jar", BetaFactory.class));
        try (LogCapture log = new LogCapture()) {
            System.setProperty(SecurityProviderChoice.OVERRIDE_PROPERTY, "alpha");

            SecurityProviderFactory selected = report.select("beta");

            assertThat(selected.descriptor().name()).isEqualTo("alpha");
            assertThat(log.lines(Level.INFO)).singleElement().asString()
                    .startsWith("security provider 'alpha' 1.0")
                    .endsWith("selected by system property mip6kit.security.provider "
                            + "(overriding security.provider=beta from the configuration)");
        } finally {
            restoreOverride();
        }
    }

    @Test
    void overrideNamingAnUnknownProviderFailsRatherThanFallingBackToTheConfiguredOne() {
        DiscoveryReport report = jars.discover(jars.jar("beta.jar", BetaFactory.class));
        try {
            System.setProperty(SecurityProviderChoice.OVERRIDE_PROPERTY, "gamma");

            ProviderSelectionException e = catchThrowableOfType(ProviderSelectionException.class,
                    () -> report.select("beta"));

            assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_PROVIDER);
            assertThat(e.getMessage()).startsWith("Unknown security provider 'gamma' (chosen by system property "
                    + "mip6kit.security.provider (overriding security.provider=beta from the configuration)).");
        } finally {
            restoreOverride();
        }
    }

    @Test
    void nothingConfiguredFails() {
        DiscoveryReport report = jars.discover(jars.jar("alpha.jar", AlphaFactory.class));

        ProviderSelectionException e = catchThrowableOfType(ProviderSelectionException.class,
                () -> report.select((String) null));

        assertThat(e.reason()).isEqualTo(Reason.NO_PROVIDER_CONFIGURED);
        assertThat(e.getMessage())
                .startsWith("No security provider is configured: set security.provider in the configuration file "
                        + "(or the system property mip6kit.security.provider).")
                .contains("Providers found: alpha")
                .endsWith("See docs/errors.md#no-provider-configured");
        assertThatThrownBy(() -> report.select("   ")).isInstanceOf(ProviderSelectionException.class)
                .extracting(t -> ((ProviderSelectionException) t).reason()).isEqualTo(Reason.NO_PROVIDER_CONFIGURED);
    }
}
