package org.mip6kit.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * What a test needs from the host (a command from a Debian package, a Python module, root).
 *
 * <p>When something is missing the test says so loudly on stderr and is skipped — except under
 * {@code CI=true}, where a missing requirement fails the test, because {@code .ci/run} is
 * supposed to have installed it. "Unsupported by this host's kernel" is a different outcome,
 * decided by a capability probe: {@link #unsupportedByHost}, the only skip allowed under
 * {@code CI=true}.
 */
public final class HostRequirements {

    private HostRequirements() {
    }

    public static boolean inCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** Requires an executable on the PATH (or an absolute path); returns its path. */
    public static Path command(String name, String debianPackage) {
        Path found = findExecutable(name);
        if (found == null) {
            missing("command '" + name + "'", "apt-get install -y " + debianPackage);
        }
        return found;
    }

    /** Requires {@code python} to import {@code module}. */
    public static void pythonModule(Path python, String module, String debianPackage) {
        try {
            Process p = new ProcessBuilder(python.toString(), "-c", "import " + module)
                    .redirectErrorStream(true).start();
            try {
                boolean done = p.waitFor(60, TimeUnit.SECONDS);
                if (done && p.exitValue() == 0) {
                    return;
                }
            } finally {
                p.destroyForcibly();
            }
        } catch (Exception e) {
            // fall through to report it missing
        }
        missing("Python module '" + module + "' for " + python, "apt-get install -y " + debianPackage);
    }

    /** Requires the tests to run as root, e.g. to give a file to another user; {@code why} says what for. */
    public static void root(String why) {
        if (!"root".equals(System.getProperty("user.name"))) {
            report("root (" + why + ")", "Run the tests as root");
        }
    }

    /**
     * The host's kernel cannot do what the test checks, as a capability probe found: the test
     * neither passes nor fails. Prints a loud {@code UNSUPPORTED BY HOST:} line with the probe's
     * report and aborts the test (a JUnit assumption) — <b>also under {@code CI=true}</b>: no
     * package {@code .ci/run} installs adds a kernel feature. The only capabilities allowed to skip
     * this way are kernel ESP SAs ({@code CONFIG_INET6_ESP}) and the MIPv6 route optimisation
     * headers ({@code CONFIG_IPV6_MIP6}); anything installable is a {@link #command} or
     * {@link #root} requirement, which fails under CI.
     *
     * @param capability what the host lacks, e.g. "kernel ESP SAs (CONFIG_INET6_ESP)"
     * @param probeReport the probe's own words (what was tried, the errno)
     */
    public static void unsupportedByHost(String capability, String probeReport) {
        String message = "UNSUPPORTED BY HOST: " + capability + " — " + probeReport;
        System.err.println();
        System.err.println("!!! " + message);
        System.err.println();
        Assumptions.abort(message);
    }

    private static void missing(String what, String fix) {
        report(what, "Install it with: " + fix);
    }

    private static void report(String what, String fix) {
        String message = "HOST REQUIREMENT MISSING: " + what + " is not available. " + fix
                + " (.ci/run does this)";
        System.err.println();
        System.err.println("!!! " + message);
        System.err.println();
        if (inCi()) {
            Assertions.fail(message + " — under CI=true a missing requirement is a failure, not a skip");
        }
        Assumptions.abort(message);
    }

    private static Path findExecutable(String name) {
        if (name.contains(File.separator)) {
            Path p = Path.of(name);
            return Files.isExecutable(p) ? p : null;
        }
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
        dirs.addAll(List.of("/usr/bin", "/usr/sbin", "/bin", "/sbin"));
        for (String dir : dirs) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }
}
