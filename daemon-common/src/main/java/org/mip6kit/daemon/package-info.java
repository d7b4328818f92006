/**
 * What the reference daemons ({@code reference-ha}, {@code reference-mn}) share: the strict YAML
 * configuration file ({@link org.mip6kit.daemon.ConfigFile}) and its common sections
 * ({@link org.mip6kit.daemon.DaemonSettings}, {@link org.mip6kit.daemon.SelectedProvider}),
 * the owner-only admin socket ({@link org.mip6kit.daemon.AdminServer},
 * {@link org.mip6kit.daemon.AdminClient}), pcap capture of all signalling
 * ({@link org.mip6kit.daemon.CapturingTransport}) and clean termination on signals
 * ({@link org.mip6kit.daemon.TerminationSignals}).
 *
 * <p>The Logback configuration of both daemons ({@code logback.xml}: one line per signalling
 * event on standard error, timestamp, level, logger, message; root level from the system
 * property {@code mip6kit.log.level}, default INFO) lives in this module's resources so that
 * the command line, which carries both daemons, has exactly one.
 */
package org.mip6kit.daemon;
