/**
 * The provider compatibility kit (TCK): {@link org.mip6kit.tck.ProviderCompatibilityKit}, the
 * abstract JUnit 5 suite every security provider's tests extend, and what it runs on — a
 * {@link org.mip6kit.tck.Deployment} of a home agent, mobile nodes and an attacker over an
 * in-memory network on virtual time, with a man in the middle
 * ({@link org.mip6kit.tck.PathRule}) on each participant's outgoing side.
 *
 * <p>Depends on the engine ({@code mip6-engine}), JUnit Jupiter and AssertJ; a provider adds
 * this module in test scope only.
 */
package org.mip6kit.tck;
