/**
 * The reference home agent daemon: {@code mip6kit ha run --config ha.yaml}.
 * {@link org.mip6kit.ha.HomeAgentConfig} reads the file, {@link org.mip6kit.ha.HomeAgentDaemon}
 * runs the engine with the configured provider, the UDP transport, the admin socket and the
 * optional pcap. Operator documentation: {@code docs/operator-guide.md}.
 */
package org.mip6kit.ha;
