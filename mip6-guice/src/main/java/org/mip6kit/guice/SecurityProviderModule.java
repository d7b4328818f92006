package org.mip6kit.guice;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import com.google.inject.AbstractModule;
import com.google.inject.CreationException;
import com.google.inject.Inject;
import com.google.inject.Key;
import com.google.inject.Provides;
import com.google.inject.ProvisionException;
import com.google.inject.Singleton;
import com.google.inject.multibindings.MapBinder;
import com.google.inject.multibindings.OptionalBinder;
import com.google.inject.name.Named;
import com.google.inject.name.Names;
import com.google.inject.spi.Message;

import org.mip6kit.inject.DiscoveryReport;
import org.mip6kit.inject.FoundProvider;
import org.mip6kit.inject.ProviderSelection;
import org.mip6kit.inject.ProviderSelectionException;
import org.mip6kit.inject.ProviderSelector;
import org.mip6kit.inject.SecurityProviderChoice;
import org.mip6kit.spi.SecurityProviderFactory;

/**
 * Binds the providers of a {@link DiscoveryReport} computed beforehand (the Druid
 * {@code PolyBind} shape): a {@code MapBinder<String, SecurityProviderFactory>} keyed by
 * descriptor name, and the selected {@link SecurityProviderFactory} and {@link ProviderSelection}.
 *
 * <p>The name comes from a {@link SecurityProviderChoice} binding if there is one, else from
 * {@code @Named("security.provider") String} (e.g. {@code Names.bindProperties} over the
 * configuration) together with the system property {@value SecurityProviderChoice#OVERRIDE_PROPERTY},
 * read when the injector is created. Both bindings are optional: when neither is bound, start-up
 * fails with {@link ProviderSelectionException.Reason#NO_PROVIDER_CONFIGURED}.
 *
 * <p>Selection runs eagerly, so every {@link ProviderSelector} rule fails
 * {@code Guice.createInjector} itself; the {@link ProviderSelectionException} is in the
 * {@link com.google.inject.CreationException}'s causes, and
 * {@link #selectionFailureIn(Throwable)} recovers it for printing. The map holds only
 * {@link DiscoveryReport#selectable()} providers, so a name carried by two jars never reaches
 * Guice as a duplicate key: it surfaces as {@link ProviderSelectionException.Reason#DUPLICATE_PROVIDER}
 * if it is chosen, and as a warning otherwise.
 *
 * <p>{@link #configure()} does no I/O: no discovery, no file reading.
 *
 * <p>This class is the whole of the {@code mip6kit-guice} artifact, so that the engine itself
 * needs no Guice: an application that does not use Guice calls
 * {@link org.mip6kit.inject.SecurityProviders} instead, which runs the same rules.
 */
public final class SecurityProviderModule extends AbstractModule {

    /** The binding name of the configured provider name, equal to the configuration key. */
    public static final String PROVIDER_NAME = SecurityProviderChoice.CONFIG_KEY;

    private final DiscoveryReport report;

    public SecurityProviderModule(DiscoveryReport report) {
        this.report = Objects.requireNonNull(report, "report");
    }

    @Override
    protected void configure() {
        bind(DiscoveryReport.class).toInstance(report);
        MapBinder<String, SecurityProviderFactory> byName =
                MapBinder.newMapBinder(binder(), String.class, SecurityProviderFactory.class);
        for (FoundProvider provider : report.selectable()) {
            byName.addBinding(provider.name()).toInstance(provider.factory());
        }
        OptionalBinder.newOptionalBinder(binder(), Key.get(String.class, Names.named(PROVIDER_NAME)));
        OptionalBinder.newOptionalBinder(binder(), SecurityProviderChoice.class);
        bind(SelectionAtStartup.class).asEagerSingleton();
    }

    @Provides
    @Singleton
    ProviderSelection selection(Optional<SecurityProviderChoice> choice,
                                @Named(PROVIDER_NAME) Optional<String> configuredName)
            throws ProviderSelectionException {
        SecurityProviderChoice effective =
                choice.orElseGet(() -> SecurityProviderChoice.fromConfiguration(configuredName.orElse(null)));
        return ProviderSelector.select(report, effective);
    }

    @Provides
    @Singleton
    SecurityProviderFactory selectedFactory(ProviderSelection selection) {
        return selection.factory();
    }

    /**
     * The selection failure inside a Guice {@link CreationException} or {@link ProvisionException}
     * (or anywhere in a cause chain), so a daemon can print this message instead of Guice's.
     */
    public static Optional<ProviderSelectionException> selectionFailureIn(Throwable failure) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Throwable> pending = new ArrayDeque<>();
        pending.add(failure);
        while (!pending.isEmpty()) {
            Throwable t = pending.poll();
            if (t == null || !seen.add(t)) {
                continue;
            }
            if (t instanceof ProviderSelectionException selection) {
                return Optional.of(selection);
            }
            if (t instanceof CreationException creation) {
                creation.getErrorMessages().stream().map(Message::getCause).forEach(pending::add);
            } else if (t instanceof ProvisionException provision) {
                provision.getErrorMessages().stream().map(Message::getCause).forEach(pending::add);
            }
            pending.add(t.getCause());
        }
        return Optional.empty();
    }

    /** Makes the selection happen while the injector is created, whatever the Guice stage. */
    static final class SelectionAtStartup {
        @Inject
        SelectionAtStartup(ProviderSelection selection) {
            Objects.requireNonNull(selection);
        }
    }
}
