/**
 * The network seam of the SPI: the sockets a provider may open (UDP endpoints, the raw Mobility
 * Header socket, TCP connections), always through {@link org.mip6kit.spi.net.ProviderNetwork},
 * so that the same provider code runs over real sockets in the daemons and over an in-memory
 * network in the provider kit.
 */
package org.mip6kit.spi.net;
