/**
 * The provider compatibility kit (TCK): {@link org.mip6kit.tck.ProviderCompatibilityKit}, the
 * abstract JUnit 5 suite every security provider's tests extend, its rules grouped by concern
 * ({@code RegistrationCases}, {@code TamperingCases}, {@code ReplayCases},
 * {@code AuthorisationCases}, {@code ChannelCases}, {@code LifecycleCases}), and what it runs on —
 * a {@link org.mip6kit.tck.Deployment} of a home agent, mobile nodes and an
 * {@link org.mip6kit.tck.Attacker} as hosts of an in-memory provider network with interfaces,
 * tunnels and NATs on virtual time, a man in the middle ({@link org.mip6kit.tck.PathRule}) on
 * each {@link org.mip6kit.tck.Participant}, and a record of what each participant's provider did
 * ({@link org.mip6kit.tck.ProviderLog}).
 *
 * <p>Depends on the engine ({@code mip6-engine}), JUnit Jupiter and AssertJ; a provider adds
 * this module in test scope only.
 */
package org.mip6kit.tck;
