/**
 * The reference mobile node daemon ({@code mip6kit mn run}): {@link org.mip6kit.mn.MobileNodeConfig}
 * reads {@code mn.yaml} strictly ({@link org.mip6kit.mn.MobileNodeSection} is its
 * {@code mobile-node} section), {@link org.mip6kit.mn.MobileNodeDaemon} runs a
 * {@link org.mip6kit.engine.MobileNodeEngine} on real time over the RFC 5555 UDP transport with
 * an owner-only admin socket ({@code status}, {@code move}), and
 * {@link org.mip6kit.mn.CareOfInterfaceWatcher} follows a network interface's addresses.
 * Operator documentation: {@code docs/operator-guide.md#mobile-node}; a commented example:
 * {@code docs/examples/mn.yaml}.
 */
package org.mip6kit.mn;
