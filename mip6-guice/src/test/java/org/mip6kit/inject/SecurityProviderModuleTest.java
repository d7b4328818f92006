package org.mip6kit.inject;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.util.Map;

import com.google.inject.AbstractModule;
import com.google.inject.CreationException;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import com.google.inject.name.Names;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mip6kit.guice.SecurityProviderModule;
import org.mip6kit.inject.ProviderSelectionException.Reason;
import org.mip6kit.inject.fixture.AlphaFactory;
import org.mip6kit.inject.fixture.BetaFactory;
import org.mip6kit.inject.fixture.TwinInFirstJarFactory;
import org.mip6kit.inject.fixture.TwinInSecondJarFactory;
import org.mip6kit.spi.SecurityProviderFactory;

/**
 * The Guice path: same rules, failing {@code Guice.createInjector} itself. In the engine's test
 * package, for the provider jars the engine's tests build ({@link ProviderJars}, from its test-jar).
 */
@Tag("medium")
class SecurityProviderModuleTest {

    private static final TypeLiteral<Map<String, SecurityProviderFactory>> BY_NAME = new TypeLiteral<>() {
    };

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
        if (savedOverride == null) {
            System.clearProperty(SecurityProviderChoice.OVERRIDE_PROPERTY);
        } else {
            System.setProperty(SecurityProviderChoice.OVERRIDE_PROPERTY, savedOverride);
        }
        jars.close();
    }

    private DiscoveryReport alphaAndBeta() {
        return jars.discover(jars.jar("alpha.jar", AlphaFactory.class), jars.jar("beta.jar", BetaFactory.class));
    }

    private static AbstractModule configuration(Map<String, String> properties) {
        return new AbstractModule() {
            @Override
            protected void configure() {
                Names.bindProperties(binder(), properties);
            }
        };
    }

    @Test
    void injectorYieldsTheConfiguredFactory() {
        DiscoveryReport report = alphaAndBeta();

        Injector injector = Guice.createInjector(new SecurityProviderModule(report),
                configuration(Map.of("security.provider", "beta")));

        SecurityProviderFactory factory = injector.getInstance(SecurityProviderFactory.class);
        assertThat(factory).isSameAs(report.named("beta").get(0).factory());
        assertThat(injector.getInstance(ProviderSelection.class).source()).endsWith("beta.jar");
        assertThat(injector.getInstance(Key.get(BY_NAME))).containsOnlyKeys("alpha", "beta")
                .containsEntry("alpha", report.named("alpha").get(0).factory());
    }

    @Test
    void unknownNameFailsStartUpListingTheNamesFound() {
        DiscoveryReport report = alphaAndBeta();

        CreationException e = catchThrowableOfType(CreationException.class, () -> Guice.createInjector(
                new SecurityProviderModule(report), configuration(Map.of("security.provider", "gamma"))));

        assertThat(e.getMessage()).contains("Unknown security provider 'gamma'").contains("Providers found: alpha, beta");
        ProviderSelectionException selection = SecurityProviderModule.selectionFailureIn(e).orElseThrow();
        assertThat(selection.reason()).isEqualTo(Reason.UNKNOWN_PROVIDER);
        assertThat(selection.namesFound()).containsExactly("alpha", "beta");
    }

    @Test
    void duplicateNameSurfacesAsSelectionFailureNotAsAMapBinderDuplicateKey() {
        Path first = jars.jar("twin-first.jar", TwinInFirstJarFactory.class);
        Path second = jars.jar("twin-second.jar", TwinInSecondJarFactory.class);
        DiscoveryReport report = jars.discover(first, second);

        CreationException e = catchThrowableOfType(CreationException.class, () -> Guice.createInjector(
                new SecurityProviderModule(report), configuration(Map.of("security.provider", "twin"))));

        assertThat(e.getErrorMessages()).hasSize(1);
        assertThat(e.getMessage()).doesNotContainIgnoringCase("duplicate key");
        ProviderSelectionException selection = SecurityProviderModule.selectionFailureIn(e).orElseThrow();
        assertThat(selection.reason()).isEqualTo(Reason.DUPLICATE_PROVIDER);
        assertThat(selection.getMessage()).contains(first.toString()).contains(second.toString());
    }

    @Test
    void duplicateNameThatIsNotSelectedStaysOutOfTheMapAndDoesNotStopStartUp() {
        DiscoveryReport report = jars.discover(jars.jar("twin-first.jar", TwinInFirstJarFactory.class),
                jars.jar("twin-second.jar", TwinInSecondJarFactory.class), jars.jar("alpha.jar", AlphaFactory.class));

        Injector injector = Guice.createInjector(new SecurityProviderModule(report),
                configuration(Map.of("security.provider", "alpha")));

        assertThat(injector.getInstance(Key.get(BY_NAME))).containsOnlyKeys("alpha");
        assertThat(injector.getInstance(SecurityProviderFactory.class).descriptor().name()).isEqualTo("alpha");
    }

    @Test
    void nothingBoundFailsStartUpAsNoProviderConfigured() {
        CreationException e = catchThrowableOfType(CreationException.class,
                () -> Guice.createInjector(new SecurityProviderModule(alphaAndBeta())));

        assertThat(SecurityProviderModule.selectionFailureIn(e)).get()
                .extracting(ProviderSelectionException::reason).isEqualTo(Reason.NO_PROVIDER_CONFIGURED);
    }

    @Test
    void systemPropertyOverridesTheBoundName() {
        DiscoveryReport report = alphaAndBeta();
        System.setProperty(SecurityProviderChoice.OVERRIDE_PROPERTY, "alpha");

        Injector injector = Guice.createInjector(new SecurityProviderModule(report),
                configuration(Map.of("security.provider", "beta")));

        ProviderSelection selection = injector.getInstance(ProviderSelection.class);
        assertThat(selection.descriptor().name()).isEqualTo("alpha");
        assertThat(selection.choice().configured()).contains("beta");
    }

    @Test
    void boundChoiceValueObjectSelectsWithoutReadingTheSystemProperty() {
        DiscoveryReport report = alphaAndBeta();
        System.setProperty(SecurityProviderChoice.OVERRIDE_PROPERTY, "alpha");

        Injector injector = Guice.createInjector(new SecurityProviderModule(report), new AbstractModule() {
            @Override
            protected void configure() {
                bind(SecurityProviderChoice.class).toInstance(SecurityProviderChoice.of("beta", null));
            }
        });

        assertThat(injector.getInstance(SecurityProviderFactory.class).descriptor().name()).isEqualTo("beta");
    }
}
