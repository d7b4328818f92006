package org.mip6kit.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import org.mip6kit.inject.DiscoveryReport;
import org.mip6kit.inject.ProviderSelection;
import org.mip6kit.inject.ProviderSelectionException;
import org.mip6kit.inject.SecurityProviderChoice;
import org.mip6kit.inject.SecurityProviders;
import org.mip6kit.provider.ipsec.IpsecIkev2Provider;
import org.mip6kit.provider.ipsec.lab.CharonLab;
import org.mip6kit.spi.DemoConfiguration;
import org.mip6kit.spi.ProviderConfigException;
import org.mip6kit.spi.SecurityProviderFactory;
import org.mip6kit.wire.MobilityOptionRegistry;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mip6kit demo}: a home agent and a mobile node in one JVM over UDP on loopback, with a
 * provider chosen by name ({@value #DEFAULT_PROVIDER} unless {@code --provider} says otherwise),
 * showing bootstrap, home registration, a move from an IPv6 to an IPv4 care-of address, a
 * refresh, the binding cache and deregistration as readable lines, and writing every datagram
 * to a pcap file. The story itself is {@link DemoScenario}; this class selects the provider, has
 * it write throwaway credentials ({@link SecurityProviderFactory#demoConfiguration}) into a
 * {@link DemoPrivateDirectory} that is removed afterwards, and maps the outcome to an exit code:
 * 0 when every step happened as the protocol says, 1 when one did not (the message names the
 * step), 2 for an unknown provider name or a provider that cannot run in the demo (the message
 * gives the provider's reason).
 *
 * <p>{@code ipsec-ikev2} cannot run in one process (charon cannot tunnel to itself); for it the
 * demo is {@link DemoIpsecScenario}: two network namespaces with a charon each and the reference
 * daemons as child processes, on a host with root and strongSwan. On a host without them it exits
 * 2 naming what is missing.
 *
 * <p>{@code --data-plane} shows the user-space data plane instead ({@link DemoDataPlaneScenario}):
 * four network namespaces, the reference daemons as child processes with
 * {@code data-plane.enabled}, a ping to the home address across a move and the echoes lost; it
 * needs root and runs auth-option-4285 only.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run a home agent and a mobile node in one JVM over UDP on loopback and show the signalling.",
                "%nBootstrap, home registration, a move from an IPv6 to an IPv4 care-of address (RFC 5555), a "
                        + "refresh, the binding cache and deregistration, in about five seconds. The provider writes "
                        + "fresh credentials into a private temporary directory, removed at the end."},
        footer = {"%nExit status: 0 every step happened as expected; 1 a step failed (the message says which); "
                + "2 unknown provider, a provider that cannot run in the demo (the message says why), or bad "
                + "options.",
                "%nRead the capture with: tshark -r mip6kit-demo.pcap -d udp.port==PORT,ipv6 (the demo prints the "
                        + "exact command; PORT is the home agent's UDP port)."})
public final class DemoCommand implements Callable<Integer> {

    /** The provider the demo uses unless told otherwise. */
    static final String DEFAULT_PROVIDER = "auth-option-4285";

    @Spec
    CommandSpec spec;

    @Option(names = "--provider", paramLabel = "NAME", defaultValue = DEFAULT_PROVIDER,
            description = "The security provider, by name (default: ${DEFAULT-VALUE}): any installed provider that "
                    + "offers a demo configuration. To install one, see the README in plugins/.")
    String providerName;

    @Option(names = "--pcap", paramLabel = "FILE", defaultValue = "mip6kit-demo.pcap",
            description = "Where the capture goes (default: ${DEFAULT-VALUE} in the current directory; overwritten).")
    Path pcap;

    @Option(names = "--provider-option", paramLabel = "KEY=VALUE",
            description = "An option for the provider's demo configuration, repeatable; e.g. for tls-channel "
                    + "mode=rfc6618 (default) or mode=dtls. A provider that takes none says so.")
    Map<String, String> providerOptions = new LinkedHashMap<>();

    @Option(names = "--verbose",
            description = "Also show the engines' own log lines.")
    boolean verbose;

    @Option(names = "--data-plane",
            description = "Show the data plane instead (root): namespaces, the daemons with data-plane.enabled, a "
                    + "ping to the home address every 100 ms across a move and the echoes lost, then cleanup "
                    + "(docs/data-plane.md). Provider auth-option-4285 only.")
    boolean dataPlane;

    /** What the ipsec-ikev2 demo needs and this host lacks (empty: all there); tests stand in for the host. */
    Supplier<List<String>> ipsecRequirements = CharonLab::requirements;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Level[] previous = quietLogging();
        try {
            ProviderSelection selection;
            try {
                DiscoveryReport report = SecurityProviders.discover(DemoCommand.class.getClassLoader());
                selection = report.select(SecurityProviderChoice.fromConfiguration(providerName));
            } catch (ProviderSelectionException e) {
                // The selection names its origin as the configuration key; here the name came from --provider.
                err.println(e.getMessage().replace("configuration key " + SecurityProviderChoice.CONFIG_KEY,
                        "--provider"));
                err.flush();
                return Mip6kitCommand.EXIT_BAD_INPUT;
            }
            if (dataPlane) {
                return dataPlaneDemo(selection.descriptor().name(), out, err);
            }
            if (DemoIpsecScenario.PROVIDER.equals(selection.descriptor().name())) {
                return ipsecDemo(out, err);
            }
            try (DemoPrivateDirectory credentials = privateDirectory()) {
                DemoConfiguration configuration = demoConfiguration(selection, credentials, providerOptions);
                Optional<String> unsupported = configuration.unsupportedReason();
                if (unsupported.isPresent()) {
                    err.println("provider " + selection.descriptor().name() + " cannot run in the demo: "
                            + unsupported.get());
                    err.flush();
                    return Mip6kitCommand.EXIT_BAD_INPUT;
                }
                MobilityOptionRegistry options = DemoScenario.optionsOf(selection.factory());
                DemoConsole console = new DemoConsole(out, options,
                        !DemoScenario.engineTransportCarriesSignalling(selection));
                new DemoScenario(selection, configuration, credentials, pcap, console, options).run();
                return Mip6kitCommand.EXIT_OK;
            }
        } catch (DemoFailure e) {
            out.flush();
            err.println("mip6kit demo failed: " + e.getMessage());
            err.flush();
            return Mip6kitCommand.EXIT_FAILURE;
        } catch (RuntimeException e) {
            out.flush();
            err.println("mip6kit demo failed unexpectedly: " + e);
            if (verbose) {
                e.printStackTrace(err);
            }
            err.flush();
            return Mip6kitCommand.EXIT_FAILURE;
        } finally {
            restoreLogging(previous);
        }
    }

    /**
     * The ipsec-ikev2 demo: refused (2) with what the host lacks or an option it does not take,
     * otherwise {@link DemoIpsecScenario} in a private directory.
     */
    private int ipsecDemo(PrintWriter out, PrintWriter err) throws DemoFailure {
        String refusal = null;
        if (!providerOptions.isEmpty()) {
            refusal = "it takes no demo options (got " + String.join(", ", providerOptions.keySet()) + ")";
        } else {
            List<String> missing = ipsecRequirements.get();
            if (!missing.isEmpty()) {
                refusal = IpsecIkev2Provider.demoUnsupportedReason(missing);
            }
        }
        if (refusal != null) {
            err.println("provider " + DemoIpsecScenario.PROVIDER + " cannot run in the demo: " + refusal);
            err.flush();
            return Mip6kitCommand.EXIT_BAD_INPUT;
        }
        try (DemoPrivateDirectory directory = privateDirectory()) {
            DemoConsole console = new DemoConsole(out, MobilityOptionRegistry.standard(), false);
            new DemoIpsecScenario(directory, console, pcap).run();
            return Mip6kitCommand.EXIT_OK;
        }
    }

    /**
     * The data-plane demo: refused (2) for another provider, provider options, or what the host
     * lacks; otherwise {@link DemoDataPlaneScenario} in a private directory.
     */
    private int dataPlaneDemo(String provider, PrintWriter out, PrintWriter err) throws DemoFailure {
        String refusal = null;
        if (!DemoDataPlaneScenario.PROVIDER.equals(provider)) {
            refusal = "the data-plane demo runs provider " + DemoDataPlaneScenario.PROVIDER + " only, not " + provider;
        } else if (!providerOptions.isEmpty()) {
            refusal = "the data-plane demo takes no provider options (got "
                    + String.join(", ", providerOptions.keySet()) + ")";
        } else {
            List<String> missing = DemoDataPlaneScenario.requirements();
            if (!missing.isEmpty()) {
                refusal = "the data-plane demo needs " + String.join(", ", missing);
            }
        }
        if (refusal != null) {
            err.println("mip6kit demo --data-plane: " + refusal);
            err.flush();
            return Mip6kitCommand.EXIT_BAD_INPUT;
        }
        try (DemoPrivateDirectory directory = privateDirectory()) {
            DemoConsole console = new DemoConsole(out, MobilityOptionRegistry.standard(), false);
            new DemoDataPlaneScenario(directory, console).run();
            return Mip6kitCommand.EXIT_OK;
        }
    }

    private static DemoPrivateDirectory privateDirectory() throws DemoFailure {
        try {
            return DemoPrivateDirectory.create();
        } catch (IOException | UnsupportedOperationException e) {
            throw new DemoFailure("cannot create a private temporary directory for the provider's credentials: "
                    + e.getMessage(), e);
        }
    }

    /** The provider's sections, or its reason for not running here; its own failure is the demo's. */
    private static DemoConfiguration demoConfiguration(ProviderSelection selection, DemoPrivateDirectory credentials,
                                                       Map<String, String> options) throws DemoFailure {
        String name = selection.descriptor().name();
        DemoConfiguration configuration;
        try {
            configuration = selection.factory().demoConfiguration(credentials.path(), options);
        } catch (ProviderConfigException e) {
            throw new DemoFailure("the provider " + name + " could not write its demo credentials: " + e.getMessage(),
                    e);
        }
        if (configuration == null) {
            throw new DemoFailure("the provider " + name + " returned no demo configuration (null) from "
                    + "demoConfiguration; it should return DemoConfiguration.unsupported(reason)");
        }
        return configuration;
    }

    /**
     * The engines log one line per event; the demo prints its own lines instead, so their
     * loggers show only errors unless {@code --verbose}. Returns the levels to restore.
     */
    private Level[] quietLogging() {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return null;
        }
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        Logger mip6kit = context.getLogger("org.mip6kit");
        Level[] previous = {root.getLevel(), mip6kit.getLevel()};
        if (verbose) {
            mip6kit.setLevel(Level.INFO);
        } else {
            root.setLevel(Level.ERROR);
            mip6kit.setLevel(Level.ERROR);
        }
        return previous;
    }

    private static void restoreLogging(Level[] previous) {
        if (previous == null || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(previous[0]);
        context.getLogger("org.mip6kit").setLevel(previous[1]);
    }
}
