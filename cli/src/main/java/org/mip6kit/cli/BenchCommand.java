package org.mip6kit.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code mip6kit bench}: the home-agent load generator of the {@code benchmarks} module
 * ({@code org.mip6kit.benchmarks.load.LoadGenerator}), run in a JVM of its own from
 * {@code benchmarks/target/benchmarks.jar}.
 *
 * <p>Why a separate JVM rather than a dependency: the load generator needs an explicit heap
 * (a million simulated nodes) and forks the home agent's JVM itself so that only the home agent's
 * heap is measured; and the benchmarks jar carries JMH, which the command line must not. So
 * {@code cli} does not depend on {@code benchmarks}; this command finds the jar next to the
 * command line's own build ({@code <repo>/benchmarks/target}), builds it with Maven if it is
 * missing, and passes every option it does not know to the generator.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        versionProvider = Mip6kitCommand.Version.class,
        sortOptions = false,
        description = {
                "Load-test a home agent: N simulated mobile nodes against a real home agent in a forked JVM, with a "
                        + "raw UDP echo as the ceiling. Default provider auth-option-4285: RFC 4285 nodes over RFC 5555 "
                        + "UDP on ::1. --provider tls-channel: mode rfc6618 nodes that bootstrap with the Home Agent "
                        + "Controller (TLS 1.2 + PSK) and send Binding Updates sealed with the assigned association to "
                        + "the RFC 6618 UDP port on ::1. Prints throughput, latency percentiles, failures by status, "
                        + "heap per binding, the restart-storm time (RFC 4285) and the registration rate with "
                        + "bootstrap (tls-channel) (docs/performance.md).",
                "Options not listed here go to the load generator: --provider auth-option-4285|tls-channel "
                        + "(auth-option-4285), --nodes N (100000), --window W (32), "
                        + "--repeats R (5), --seconds S (5), --warmup-seconds S (5), --server-heap SIZE (4g), "
                        + "--timeout-ms MS (2000), --phases register,memory,refresh,ceiling,move,restart,deregister (all but refresh; "
                        + "tls-channel: no move, restart or --pcap), --bootstrap-concurrency C (tls-channel: bootstraps "
                        + "at once, 16), --class-histogram FILE, --pcap FILE, --server-jvm-option OPT, "
                        + "--pin-cpus CLIENT/SERVER, --store none|journal (the home agent's durable store, none), "
                        + "--sync-delay-ms MS (2), --state-dir DIR (where the journal's temporary directory goes), "
                        + "--compare-store (store off and on in one run: ratios per round).",
                ""
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:the run finished (the numbers are measurements; nothing is judged)",
                "1:the benchmarks jar is missing and could not be built, or the run failed",
                "2:a usage error"
        })
public final class BenchCommand implements Callable<Integer> {

    static final String MAIN_CLASS = "org.mip6kit.benchmarks.load.LoadGenerator";
    static final String BUILD = "mvn -q -B -pl benchmarks -am package -DskipTests";

    @Spec
    CommandSpec spec;

    @Option(names = "--client-heap", paramLabel = "SIZE", defaultValue = "6g",
            description = "Heap of the load generator's JVM (-Xmx), default ${DEFAULT-VALUE}; a million nodes need "
                    + "about 4g.")
    String clientHeap;

    @Option(names = "--jar", paramLabel = "FILE",
            description = "The benchmarks jar; default benchmarks/target/benchmarks.jar of this repository.")
    Path jar;

    @Unmatched
    List<String> generatorArguments = new ArrayList<>();

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        Path root = repositoryRoot();
        Path benchmarks = jar != null ? jar : root == null ? null : root.resolve("benchmarks/target/benchmarks.jar");
        if (benchmarks == null) {
            err.println("mip6kit bench: cannot tell where the repository is; give --jar benchmarks/target/benchmarks.jar");
            return Mip6kitCommand.EXIT_FAILURE;
        }
        if (!Files.isRegularFile(benchmarks)) {
            if (jar != null || root == null) {
                err.println("mip6kit bench: " + benchmarks + " does not exist; build it with: " + BUILD);
                return Mip6kitCommand.EXIT_FAILURE;
            }
            err.println("mip6kit bench: building " + benchmarks + " (" + BUILD + ")...");
            err.flush();
            Process build = new ProcessBuilder(BUILD.split(" ")).directory(root.toFile()).inheritIO().start();
            if (build.waitFor() != 0 || !Files.isRegularFile(benchmarks)) {
                err.println("mip6kit bench: the build failed; run '" + BUILD + "' in " + root + " to see why");
                return Mip6kitCommand.EXIT_FAILURE;
            }
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx" + clientHeap);
        cmd.add("-cp");
        cmd.add(benchmarks.toString());
        cmd.add(MAIN_CLASS);
        cmd.addAll(generatorArguments);
        Process run = new ProcessBuilder(cmd).inheritIO().start();
        try {
            return run.waitFor();
        } finally {
            if (run.isAlive()) {
                run.destroy();
            }
        }
    }

    /** The repository holding the jar this class was loaded from ({@code <root>/cli/target/*.jar}), or null. */
    static Path repositoryRoot() {
        try {
            Path self = Path.of(BenchCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            // cli/target/mip6kit-cli.jar or cli/target/classes
            Path target = self.getParent();
            Path cli = target == null ? null : target.getParent();
            Path root = cli == null ? null : cli.getParent();
            return root != null && Files.isDirectory(root.resolve("benchmarks")) ? root : null;
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }
}
