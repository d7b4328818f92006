/**
 * The home-agent load generator (targets: docs/performance.md#targets): simulated RFC 4285 mobile nodes over RFC 5555 UDP on
 * loopback against a real {@link org.mip6kit.engine.HomeAgentEngine} running in a forked JVM
 * ({@link org.mip6kit.benchmarks.load.HomeAgentServer}), with a raw UDP echo in the same forked
 * JVM as the ceiling. Entry point: {@link org.mip6kit.benchmarks.load.LoadGenerator}; the
 * {@code ./mip6kit bench} command runs it. Nothing in this package depends on JMH.
 *
 * <p>Measurements, not tests: no test asserts a time. See docs/performance.md.
 */
package org.mip6kit.benchmarks.load;
