package org.mip6kit.inject;

import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.mip6kit.spi.SecurityProviderFactory;
import org.mip6kit.spi.SpiVersion;

/**
 * What {@link ProviderDiscovery} found: every usable factory with its descriptor and location,
 * and every broken entry with a one-line reason. Immutable and thread-safe; computed once at
 * start-up and handed to {@code org.mip6kit.guice.SecurityProviderModule} (artifact {@code mip6kit-guice}) or used directly through
 * {@link #select(String)}.
 */
public final class DiscoveryReport {

    private static final Comparator<FoundProvider> BY_NAME_THEN_SOURCE =
            Comparator.comparing(FoundProvider::name).thenComparing(FoundProvider::source)
                    .thenComparing(FoundProvider::factoryClass);

    private final List<FoundProvider> found;
    private final List<BrokenProvider> broken;
    private final Map<String, List<FoundProvider>> byName;

    DiscoveryReport(List<FoundProvider> found, List<BrokenProvider> broken) {
        this.found = found.stream().sorted(BY_NAME_THEN_SOURCE).toList();
        this.broken = List.copyOf(broken);
        this.byName = Collections.unmodifiableMap(this.found.stream().collect(
                Collectors.groupingBy(FoundProvider::name, TreeMap::new, Collectors.toUnmodifiableList())));
    }

    /** Every usable factory, sorted by name then location; includes ambiguous and incompatible ones. */
    public List<FoundProvider> found() {
        return found;
    }

    /** Every entry that could not become a usable factory, in discovery order. */
    public List<BrokenProvider> broken() {
        return broken;
    }

    /** Every provider name found, sorted. */
    public SortedSet<String> names() {
        return Collections.unmodifiableSortedSet(new TreeSet<>(byName.keySet()));
    }

    /** The providers carrying {@code name}: none, one, or (an error if selected) several. */
    public List<FoundProvider> named(String name) {
        return byName.getOrDefault(name, List.of());
    }

    /**
     * The providers that selection could return: the only one with its name and built for
     * {@link SpiVersion#MAJOR}. This is what {@code SecurityProviderModule} puts in its
     * {@code MapBinder}, so the map never sees a duplicate key.
     */
    public List<FoundProvider> selectable() {
        return byName.values().stream()
                .filter(sameName -> sameName.size() == 1)
                .map(sameName -> sameName.get(0))
                .filter(DiscoveryReport::compatible)
                .toList();
    }

    /** Names carried by more than one factory. */
    public SortedSet<String> ambiguousNames() {
        return byName.entrySet().stream().filter(e -> e.getValue().size() > 1).map(Map.Entry::getKey)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    public boolean isEmpty() {
        return found.isEmpty() && broken.isEmpty();
    }

    /**
     * Chooses the provider named by the system property
     * {@value SecurityProviderChoice#OVERRIDE_PROPERTY} if set, else {@code configuredName}, with
     * the rules of {@link ProviderSelector}.
     *
     * @param configuredName the configuration's {@code security.provider}; {@code null} or blank when absent
     * @throws ProviderSelectionException if nothing is configured, the name is unknown or
     *     ambiguous, or the provider was built for another SPI major version
     */
    public SecurityProviderFactory select(String configuredName) throws ProviderSelectionException {
        return select(SecurityProviderChoice.fromConfiguration(configuredName)).factory();
    }

    /** Like {@link #select(String)}, with the choice made explicit (no system property read). */
    public ProviderSelection select(SecurityProviderChoice choice) throws ProviderSelectionException {
        return ProviderSelector.select(this, choice);
    }

    /** A multi-line human-readable listing, e.g. for a {@code providers} command. */
    public String describe() {
        StringBuilder text = new StringBuilder();
        text.append("security providers found: ").append(found.size());
        found.forEach(p -> text.append(System.lineSeparator()).append("  ").append(p.describe())
                .append(compatible(p) ? "" : " [built for SPI " + p.descriptor().spiMajorVersion()
                        + ", engine has " + SpiVersion.MAJOR + "]"));
        text.append(System.lineSeparator()).append("broken provider entries: ").append(broken.size());
        broken.forEach(b -> text.append(System.lineSeparator()).append("  ").append(b.describe()));
        return text.toString();
    }

    static boolean compatible(FoundProvider provider) {
        return provider.descriptor().spiMajorVersion() == SpiVersion.MAJOR;
    }

    @Override
    public String toString() {
        return "DiscoveryReport[found=" + found.stream().map(p -> p.name() + "@" + p.source()).toList()
                + ", broken=" + broken.stream().map(BrokenProvider::source).toList() + "]";
    }
}
