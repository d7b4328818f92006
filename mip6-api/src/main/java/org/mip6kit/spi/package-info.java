/**
 * The security provider SPI: what a third party implements to protect Mobile IPv6 signalling,
 * and what the engine offers it in return. JDK only (plus {@code org.mip6kit.wire}).
 *
 * <h2>The shape</h2>
 * A provider jar contains one {@link org.mip6kit.spi.SecurityProviderFactory}, listed in
 * {@code META-INF/services/org.mip6kit.spi.SecurityProviderFactory}. Its immutable
 * {@link org.mip6kit.spi.ProviderDescriptor} names it, says where it sits
 * ({@link org.mip6kit.spi.Placement}) and what it can do ({@link org.mip6kit.spi.Capability}).
 * The engine asks the factory for a {@link org.mip6kit.spi.MobileNodeSecurity} or a
 * {@link org.mip6kit.spi.HomeAgentSecurity}, and each of those for a
 * {@link org.mip6kit.spi.SignallingPath}: the one interface through which every Mobility Header
 * message enters and leaves, whatever the placement.
 *
 * <h2>The interactions of draft-patil-mext-mip6issueswithipsec §6, by name</h2>
 * <ul>
 * <li>§6.1 triggering key management before the home address is known, §6.2 asking for the
 *     home address or prefix (IPv4 too), §6.5 handing the prefix to the MIPv6 application:
 *     {@link org.mip6kit.spi.MobileNodeSecurity#bootstrap}.</li>
 * <li>§6.3 the home agent side: prefix and home-address allocation, "larval" entries:
 *     {@link org.mip6kit.spi.HomeAddressBook} (allocate, adopt, reserve, release, ownerOf).</li>
 * <li>§6.4 the authenticated identity (for DNS updates):
 *     {@link org.mip6kit.spi.Verdict.Accept#identity()} and the engine's binding events.</li>
 * <li>§6.6/§6.7 policy entries for a home address, including one learnt from the first BU:
 *     {@link org.mip6kit.spi.HomeAgentSecurity#beforeAck} and
 *     {@link org.mip6kit.spi.HomeAgentSecurity#afterChange}.</li>
 * <li>§6.8 the K bit and care-of changes: {@link org.mip6kit.spi.Capability#IKE_SURVIVES_MOVE},
 *     {@link org.mip6kit.spi.MobileNodeSecurity#careOfChanging}.</li>
 * <li>§6.9/§6.10 UDP encapsulation and NATs: {@link org.mip6kit.spi.Placement#OWNS_CHANNEL}
 *     and the engine's {@link org.mip6kit.spi.SignallingTransport}.</li>
 * </ul>
 *
 * <h2>Rules for implementers</h2>
 * <ul>
 * <li>No blocking on engine threads unless a method says it may block.</li>
 * <li>Configuration and lookup problems are checked exceptions
 *     ({@link org.mip6kit.spi.ProviderConfigException},
 *     {@link org.mip6kit.spi.HomeAddressException}); internal failures are the unchecked
 *     {@link org.mip6kit.spi.SecurityProviderException}.</li>
 * <li>Secrets (keys, PSKs, private keys) never appear in {@code toString()}, events, log lines
 *     or exception messages.</li>
 * <li>Time comes from {@link org.mip6kit.spi.ProviderContext#clock()} and
 *     {@link org.mip6kit.spi.ProviderContext#scheduler()}, never from the system clock or
 *     {@code Thread.sleep}, so the engine's tests can run hours of protocol time in
 *     milliseconds.</li>
 * </ul>
 */
package org.mip6kit.spi;
