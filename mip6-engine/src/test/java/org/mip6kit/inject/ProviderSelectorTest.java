package org.mip6kit.inject;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.inject.ProviderSelectionException.Reason;
import org.mip6kit.inject.fixture.AlphaFactory;
import org.mip6kit.inject.fixture.BetaFactory;
import org.mip6kit.inject.fixture.FutureSpiFactory;
import org.mip6kit.inject.fixture.NullDescriptorFactory;
import org.mip6kit.inject.fixture.TwinInFirstJarFactory;
import org.mip6kit.inject.fixture.TwinInSecondJarFactory;

/** The rules over in-memory reports (no jars, no system property): explicit {@link SecurityProviderChoice}s. */
@Tag("small")
class ProviderSelectorTest {

    private static final DiscoveryReport ALPHA_BETA =
            ProviderDiscovery.of(List.of(new BetaFactory(), new AlphaFactory()));

    @Test
    void selectionRecordsTheProviderAndTheChoice() throws Exception {
        SecurityProviderChoice choice = SecurityProviderChoice.of("alpha", null);

        ProviderSelection selection = ProviderSelector.select(ALPHA_BETA, choice);

        assertThat(selection.factory()).isInstanceOf(AlphaFactory.class);
        assertThat(selection.descriptor().name()).isEqualTo("alpha");
        assertThat(selection.choice()).isEqualTo(choice);
    }

    @Test
    void upperCaseNameIsUnknownButTheMessageSuggestsTheLowerCaseOne() {
        ProviderSelectionException e = catchThrowableOfType(ProviderSelectionException.class,
                () -> ProviderSelector.select(ALPHA_BETA, SecurityProviderChoice.of("Alpha", null)));

        assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_PROVIDER);
        assertThat(e.getMessage()).contains("Did you mean 'alpha'? Provider names are lower case.");
    }

    @Test
    void unknownNameListsAmbiguousAndIncompatibleNamesWithWhatIsWrongWithThem() {
        DiscoveryReport report = ProviderDiscovery.of(List.of(new TwinInSecondJarFactory(), new FutureSpiFactory(),
                new AlphaFactory(), new TwinInFirstJarFactory()));

        ProviderSelectionException e = catchThrowableOfType(ProviderSelectionException.class,
                () -> ProviderSelector.select(report, SecurityProviderChoice.of("gamma", null)));

        assertThat(e.namesFound()).containsExactly("alpha", "future", "twin");
        assertThat(e.getMessage()).contains("Providers found: alpha, future (built for SPI 3), twin (in 2 jars)");
    }

    @Test
    void everyFailureEndsWithItsDocsAnchor() {
        DiscoveryReport report = ProviderDiscovery.of(List.of(new AlphaFactory(), new FutureSpiFactory(),
                new TwinInFirstJarFactory(), new TwinInSecondJarFactory()));
        for (var c : List.of(
                new Object[] {SecurityProviderChoice.of(null, null), Reason.NO_PROVIDER_CONFIGURED},
                new Object[] {SecurityProviderChoice.of("gamma", null), Reason.UNKNOWN_PROVIDER},
                new Object[] {SecurityProviderChoice.of("twin", null), Reason.DUPLICATE_PROVIDER},
                new Object[] {SecurityProviderChoice.of("future", null), Reason.SPI_VERSION_MISMATCH})) {
            ProviderSelectionException e = catchThrowableOfType(ProviderSelectionException.class,
                    () -> ProviderSelector.select(report, (SecurityProviderChoice) c[0]));
            Reason expected = (Reason) c[1];
            assertThat(e.reason()).isEqualTo(expected);
            assertThat(e.getMessage()).endsWith("See docs/errors.md#" + expected.anchor());
        }
        assertThat(List.of(Reason.values())).extracting(Reason::anchor).containsExactly(
                "no-provider-configured", "unknown-provider", "duplicate-provider", "spi-version-mismatch");
    }

    @Test
    void embedderSuppliedFactoryWithoutDescriptorIsReportedAsBroken() {
        DiscoveryReport report = ProviderDiscovery.of(List.of(new NullDescriptorFactory(), new AlphaFactory()));

        assertThat(report.names()).containsExactly("alpha");
        assertThat(report.broken()).singleElement().satisfies(b ->
                assertThat(b.reason()).isEqualTo(NullDescriptorFactory.class.getName() + ".descriptor() returned null"));
    }

    @Test
    void selectableExcludesAmbiguousAndIncompatibleNames() {
        DiscoveryReport report = ProviderDiscovery.of(List.of(new AlphaFactory(), new FutureSpiFactory(),
                new TwinInFirstJarFactory(), new TwinInSecondJarFactory(), new BetaFactory()));

        assertThat(report.selectable()).extracting(FoundProvider::name).containsExactly("alpha", "beta");
        assertThat(report.ambiguousNames()).containsExactly("twin");
        assertThat(report.names()).containsExactly("alpha", "beta", "future", "twin");
    }
}
