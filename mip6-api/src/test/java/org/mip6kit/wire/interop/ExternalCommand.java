package org.mip6kit.wire.interop;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one program we did not write (scapy's Python, tshark) for an interoperability test.
 *
 * <p>Standard output and standard error go to files in the test's temporary directory, so a
 * chatty program can never block on a full pipe. The process gets no standard input. Whatever
 * happens, the process and anything it started are killed and waited for before
 * {@link #run} returns.
 */
final class ExternalCommand {

    /** How long to wait for a killed process to go away. */
    private static final Duration REAP_TIMEOUT = Duration.ofSeconds(10);

    /** The outcome of a finished command. */
    record Result(List<String> command, int exitCode, Path stdout, String stderr) {

        /** Fails the test, showing the command and its standard error, unless it exited with 0. */
        Result requireSuccess() {
            if (exitCode != 0) {
                fail(String.join(" ", command) + " exited with " + exitCode + "; stderr:\n" + stderr);
            }
            return this;
        }
    }

    private ExternalCommand() {
    }

    /**
     * Runs {@code command} in {@code workDir} and waits at most {@code timeout}; a command that
     * takes longer fails the test.
     *
     * @param name a file-name stem for the captured output ({@code name.stdout}, {@code name.stderr})
     * @param environment variables added to the inherited environment
     */
    static Result run(String name, List<String> command, Path workDir, Duration timeout,
                      Map<String, String> environment) throws IOException, InterruptedException {
        Path stdout = workDir.resolve(name + ".stdout");
        Path stderr = workDir.resolve(name + ".stderr");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        try {
            process.getOutputStream().close();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                fail(String.join(" ", command) + " did not finish within " + timeout + "; stderr so far:\n"
                        + Files.readString(stderr, StandardCharsets.UTF_8));
            }
            return new Result(List.copyOf(command), process.exitValue(), stdout,
                    Files.readString(stderr, StandardCharsets.UTF_8));
        } finally {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            if (!process.waitFor(REAP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                System.err.println("!!! " + command.get(0) + " (pid " + process.pid() + ") did not exit within "
                        + REAP_TIMEOUT + " of being killed");
            }
        }
    }
}
