/**
 * Finding security providers and choosing one: with Guice ({@code org.mip6kit.guice.SecurityProviderModule}
 * in the separate artifact {@code mip6kit-guice}, so the engine itself has no Guice)
 * or without it ({@link org.mip6kit.inject.SecurityProviders}). Both paths run the same rules
 * ({@link org.mip6kit.inject.ProviderSelector}).
 *
 * <h2>Discovery</h2>
 * {@link org.mip6kit.inject.ProviderDiscovery} walks {@link java.util.ServiceLoader} over a class
 * loader once and returns an immutable {@link org.mip6kit.inject.DiscoveryReport}: every factory it
 * could instantiate, with its descriptor and the jar it came from, and every entry that failed
 * (class missing, constructor threw, {@code descriptor()} threw or returned nothing) with a
 * one-line reason and its location. One broken jar never hides the others (the SLF4J 2 model).
 *
 * <h2>Selection</h2>
 * <ol>
 * <li>The name is the system property {@value org.mip6kit.inject.SecurityProviderChoice#OVERRIDE_PROPERTY}
 *     when set (the explicit override, logged as such), else the configuration key
 *     {@value org.mip6kit.inject.SecurityProviderChoice#CONFIG_KEY}. Neither: start-up fails.</li>
 * <li>A name no discovered provider carries fails start-up, listing every name found and the
 *     broken jars. There is never a fallback to another provider or to no security.</li>
 * <li>Two providers with the chosen name fail start-up, naming both jars.</li>
 * <li>A chosen provider built for another SPI major version fails start-up, naming both versions.</li>
 * <li>Broken entries, and ambiguous or incompatible providers that were not chosen, are logged as
 *     warnings and skipped.</li>
 * </ol>
 * Every failure is a checked {@link org.mip6kit.inject.ProviderSelectionException} whose message
 * ends with a link to a section of docs/errors.md.
 */
package org.mip6kit.inject;
