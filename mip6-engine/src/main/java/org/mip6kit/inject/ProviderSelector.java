package org.mip6kit.inject;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

import org.mip6kit.spi.SpiVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.mip6kit.inject.ProviderSelectionException.Reason;

/**
 * The selection rules, shared by {@code org.mip6kit.guice.SecurityProviderModule} (artifact {@code mip6kit-guice}) and
 * {@link DiscoveryReport#select(String)}:
 * <ol>
 * <li>the name is {@link SecurityProviderChoice#name()}: the system property override, else the
 *     configuration; neither → {@link Reason#NO_PROVIDER_CONFIGURED};</li>
 * <li>no provider with that name → {@link Reason#UNKNOWN_PROVIDER}, listing every name found
 *     (sorted) and every broken entry; never a fallback;</li>
 * <li>several providers with that name → {@link Reason#DUPLICATE_PROVIDER}, naming each location;</li>
 * <li>the provider's {@code spiMajorVersion} differs from {@link SpiVersion#MAJOR} →
 *     {@link Reason#SPI_VERSION_MISMATCH}, naming both versions.</li>
 * </ol>
 * Broken entries, and ambiguous or incompatible providers that were not chosen, are logged as
 * warnings (logger {@code org.mip6kit.inject}) and skipped. The selected provider is logged at
 * INFO with where its name came from, saying when the system property overrode the configuration.
 * Stateless and thread-safe.
 */
public final class ProviderSelector {

    private static final Logger LOG = LoggerFactory.getLogger("org.mip6kit.inject");
    private static final String INDENT = System.lineSeparator() + "  ";

    private ProviderSelector() {
    }

    /**
     * Applies the rules to {@code report}.
     *
     * @throws ProviderSelectionException with an operator-facing message ending in a
     *     link to a section of docs/errors.md
     */
    public static ProviderSelection select(DiscoveryReport report, SecurityProviderChoice choice)
            throws ProviderSelectionException {
        warnAboutSkipped(report, choice.name());
        Optional<String> name = choice.name();
        if (name.isEmpty()) {
            throw failure(report, Reason.NO_PROVIDER_CONFIGURED,
                    "No security provider is configured: set " + SecurityProviderChoice.CONFIG_KEY
                            + " in the configuration file (or the system property "
                            + SecurityProviderChoice.OVERRIDE_PROPERTY + ").",
                    List.of(found(report), brokenLine(report)));
        }
        List<FoundProvider> candidates = report.named(name.get());
        if (candidates.isEmpty()) {
            throw failure(report, Reason.UNKNOWN_PROVIDER,
                    "Unknown security provider '" + name.get() + "' (chosen by " + choice.origin() + ")."
                            + didYouMean(report, name.get()),
                    List.of(found(report), brokenLine(report),
                            "There is no fallback to another provider or to no security: install the provider's "
                                    + "jar or correct the name."));
        }
        if (candidates.size() > 1) {
            StringBuilder both = new StringBuilder();
            candidates.forEach(p -> both.append(INDENT).append("  ").append(p.factoryClass()).append(' ')
                    .append(p.descriptor().version()).append(" from ").append(p.source()));
            throw failure(report, Reason.DUPLICATE_PROVIDER,
                    candidates.size() + " security providers are named '" + name.get() + "' (chosen by "
                            + choice.origin() + "):" + both,
                    List.of("Remove all but one of these jars from the class path."));
        }
        FoundProvider provider = candidates.get(0);
        if (!DiscoveryReport.compatible(provider)) {
            int theirs = provider.descriptor().spiMajorVersion();
            throw failure(report, Reason.SPI_VERSION_MISMATCH,
                    "Security provider '" + provider.name() + "' " + provider.descriptor().version() + " from "
                            + provider.source() + " was built for SPI major version " + theirs
                            + ", but this engine implements SPI " + SpiVersion.text() + " (major version "
                            + SpiVersion.MAJOR + ").",
                    List.of("Install a release of '" + provider.name() + "' built for SPI major version "
                            + SpiVersion.MAJOR + ", or an engine whose SPI major version is " + theirs + "."));
        }
        ProviderSelection selection = new ProviderSelection(provider, choice);
        LOG.info("security provider {} selected by {}", provider.describe(), choice.origin());
        return selection;
    }

    private static void warnAboutSkipped(DiscoveryReport report, Optional<String> chosen) {
        for (BrokenProvider broken : report.broken()) {
            LOG.warn("security provider entry skipped: {} (see {})", broken.describe(), BrokenProvider.DOCS);
            LOG.debug("cause of the skipped entry at {}", broken.source(), broken.cause());
        }
        for (String name : report.ambiguousNames()) {
            if (chosen.filter(name::equals).isEmpty()) {
                LOG.warn("security provider name '{}' is carried by {} jars, so it cannot be selected: {} (see {})",
                        name, report.named(name).size(),
                        report.named(name).stream().map(FoundProvider::source).collect(Collectors.joining(", ")),
                        Reason.DUPLICATE_PROVIDER.docs());
            }
        }
        for (FoundProvider provider : report.found()) {
            if (!DiscoveryReport.compatible(provider) && chosen.filter(provider.name()::equals).isEmpty()) {
                LOG.warn("security provider {} was built for SPI major version {} but this engine has {}; "
                                + "it cannot be selected (see {})", provider.describe(),
                        provider.descriptor().spiMajorVersion(), SpiVersion.MAJOR, Reason.SPI_VERSION_MISMATCH.docs());
            }
        }
    }

    private static ProviderSelectionException failure(DiscoveryReport report, Reason reason, String headline,
                                                      List<String> details) {
        StringBuilder message = new StringBuilder(headline);
        details.stream().filter(d -> !d.isEmpty()).forEach(d -> message.append(INDENT).append(d));
        message.append(INDENT).append("See ").append(reason.docs());
        return new ProviderSelectionException(reason, message.toString(), List.copyOf(report.names()));
    }

    private static String found(DiscoveryReport report) {
        if (report.names().isEmpty()) {
            return "Providers found: none (no jar on the class path lists one in " + ProviderDiscovery.SERVICE_FILE + ")";
        }
        return "Providers found: " + report.names().stream().map(n -> annotated(report, n))
                .collect(Collectors.joining(", "));
    }

    private static String annotated(DiscoveryReport report, String name) {
        List<FoundProvider> same = report.named(name);
        if (same.size() > 1) {
            return name + " (in " + same.size() + " jars)";
        }
        int major = same.get(0).descriptor().spiMajorVersion();
        return major == SpiVersion.MAJOR ? name : name + " (built for SPI " + major + ")";
    }

    private static String brokenLine(DiscoveryReport report) {
        if (report.broken().isEmpty()) {
            return "";
        }
        return "Broken provider entries (skipped, see " + BrokenProvider.DOCS + "):"
                + report.broken().stream().map(b -> INDENT + "  " + b.describe()).collect(Collectors.joining());
    }

    private static String didYouMean(DiscoveryReport report, String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return report.names().stream().filter(n -> !n.equals(name) && n.equals(lower)).findFirst()
                .map(n -> " Did you mean '" + n + "'? Provider names are lower case.").orElse("");
    }
}
