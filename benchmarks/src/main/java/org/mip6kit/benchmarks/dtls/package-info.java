/**
 * Benchmark programs for the {@code tls-channel} provider's {@code dtls} package: handshake cost
 * ({@link org.mip6kit.benchmarks.dtls.DtlsHandshakeCost}) and server heap per association
 * ({@link org.mip6kit.benchmarks.dtls.DtlsAssociationHeap}). They print; they assert nothing.
 */
package org.mip6kit.benchmarks.dtls;
