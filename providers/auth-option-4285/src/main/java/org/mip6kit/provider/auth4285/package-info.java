/**
 * The {@code auth-option-4285} security provider: RFC 4285 Mobility Message Authentication
 * (MN-HA and MN-AAA), RFC 4283 Mobile Node Identifier and RFC 4285 timestamp replay protection,
 * carried inside the Mobility Header ({@link org.mip6kit.spi.Placement#IN_MESSAGE}).
 *
 * <p>Entry point: {@link org.mip6kit.provider.auth4285.AuthOption4285Provider}. Wire options:
 * {@link org.mip6kit.provider.auth4285.MobilityMessageAuthentication} (type 9) and
 * {@link org.mip6kit.provider.auth4285.MobilityMessageReplayProtection} (type 10). The home AAA
 * server is reached through {@link org.mip6kit.provider.auth4285.AaaClient}, of which no
 * implementation ships yet. Operator documentation: {@code docs/providers/auth-option-4285.md}.
 */
package org.mip6kit.provider.auth4285;
