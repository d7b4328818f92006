package org.mip6kit.cli;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.mip6kit.daemon.AdminClient;
import org.mip6kit.daemon.AdminException;

/**
 * The operating-system processes of {@link DaemonsEndToEndTest}: long-running daemons and
 * short commands, all started in one working directory with their standard output and error
 * in files there, so that every transcript can be printed when the test fails.
 *
 * <p>{@link #close()} ends every daemon still running, by its own {@link Process} handle:
 * SIGTERM, then SIGKILL (with any child the launcher left, e.g. a build it started) after a
 * timeout.
 */
final class DaemonsEndToEndProcesses implements AutoCloseable {

    private static final Duration TERM_GRACE = Duration.ofSeconds(10);
    private static final Duration KILL_GRACE = Duration.ofSeconds(10);

    /** A finished short command. */
    record Result(String label, List<String> command, int exitCode, Duration took, String out, String err) {
        @Override
        public String toString() {
            return label + ": " + String.join(" ", command) + " -> exit " + exitCode + " after " + took.toMillis()
                    + " ms\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    /** A point in time by which the whole scenario must be done. */
    record Deadline(long endNanos, Duration total) {
        static Deadline in(Duration total) {
            return new Deadline(System.nanoTime() + total.toNanos(), total);
        }

        Duration remaining() {
            return Duration.ofNanos(Math.max(0, endNanos - System.nanoTime()));
        }

        boolean passed() {
            return System.nanoTime() - endNanos >= 0;
        }

        /** {@code step}, or less if the scenario's deadline comes first. */
        Duration cap(Duration step) {
            Duration left = remaining();
            return left.compareTo(step) < 0 ? left : step;
        }
    }

    private record Daemon(String name, Process process) {
    }

    private final Path directory;
    private final List<Daemon> daemons = new ArrayList<>();
    private final List<Path> transcripts = new ArrayList<>();
    private final List<String> timeline = new ArrayList<>();
    private final long started = System.nanoTime();
    private int commands;

    DaemonsEndToEndProcesses(Path directory) {
        this.directory = directory;
    }

    /** Starts {@code command} in the background; its output goes to {@code name.stdout}/{@code .stderr}. */
    Process startDaemon(String name, List<String> command) throws IOException {
        return start(name, command, ProcessBuilder.Redirect.from(new File("/dev/null")));
    }

    /**
     * As {@link #startDaemon}, with its standard input a pipe the caller writes to
     * ({@link Process#getOutputStream()}): a process driven by commands.
     */
    Process startDriven(String name, List<String> command) throws IOException {
        return start(name, command, ProcessBuilder.Redirect.PIPE);
    }

    private Process start(String name, List<String> command, ProcessBuilder.Redirect input) throws IOException {
        Path out = directory.resolve(name + ".stdout");
        Path err = directory.resolve(name + ".stderr");
        transcripts.add(out);
        transcripts.add(err);
        Process process = new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectInput(input)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        note(name + " started, pid " + process.pid());
        daemons.add(new Daemon(name, process));
        return process;
    }

    /** Everything the daemon {@code name} wrote to standard error so far. */
    String stderrOf(String name) {
        return read(directory.resolve(name + ".stderr"));
    }

    /**
     * Runs {@code command} to completion within {@code limit}; a command still running then is
     * killed and the test fails with its transcript.
     */
    Result run(String label, Duration limit, List<String> command) throws IOException, InterruptedException {
        String base = String.format("cmd-%02d-%s", ++commands, label);
        Path out = directory.resolve(base + ".stdout");
        Path err = directory.resolve(base + ".stderr");
        transcripts.add(out);
        transcripts.add(err);
        Process process = new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        long start = System.nanoTime();
        try {
            if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                note(base + " timed out");
                throw new AssertionError(label + " (" + String.join(" ", command) + ") did not finish within "
                        + limit + "\n--- stdout\n" + read(out) + "--- stderr\n" + read(err));
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            Result result = new Result(label, command, process.exitValue(), took, read(out), read(err));
            note(base + " exit " + result.exitCode() + " after " + took.toMillis() + " ms"
                    + (result.exitCode() == 0 ? "" : ": " + result.err().strip().lines().findFirst().orElse("")));
            return result;
        } finally {
            kill(process);
        }
    }

    /** Sends SIGTERM ({@link Process#destroy()}) and waits up to {@code limit}; true if it exited. */
    boolean terminate(String name, Process process, Duration limit) throws InterruptedException {
        note("SIGTERM to " + name);
        process.destroy();
        boolean exited = process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
        note(name + (exited ? " exit " + process.exitValue() : " still running after " + limit));
        return exited;
    }

    /**
     * Polls {@code socket}'s {@code status} every 100 ms until {@code until} holds (noted in the
     * timeline and returned), failing as soon as {@code alive} exits or {@code deadline} passes.
     * A daemon whose admin socket is not open yet counts as not there yet.
     */
    ObjectNode awaitStatus(String what, Path socket, Predicate<ObjectNode> until, Process alive, Deadline deadline)
            throws InterruptedException {
        String last = "(none yet)";
        while (!deadline.passed()) {
            if (!alive.isAlive()) {
                throw new AssertionError("waiting until " + what + ": the daemon exited with " + alive.exitValue());
            }
            try {
                ObjectNode status = AdminClient.send(socket, "status", Duration.ofSeconds(5));
                if (until.test(status)) {
                    note(what);
                    return status;
                }
                last = status.toString();
            } catch (AdminException e) {
                last = e.getMessage();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not in time: " + what + "; last status: " + last);
    }

    /** Records a step in the timeline, with the time since this object was made. */
    void note(String step) {
        timeline.add(String.format("%6d ms  %s", Duration.ofNanos(System.nanoTime() - started).toMillis(), step));
    }

    /** Every step and command so far, with its time. */
    String timeline() {
        return String.join("\n", timeline);
    }

    /** Every process's output, for a failure report. */
    String report() {
        StringBuilder text = new StringBuilder("==== process logs in " + directory + " ====\n")
                .append(timeline()).append('\n');
        for (Daemon d : daemons) {
            text.append(d.name()).append(": pid ").append(d.process().pid()).append(", ")
                    .append(d.process().isAlive() ? "still running" : "exit " + d.process().exitValue()).append('\n');
        }
        for (Path file : transcripts) {
            text.append("---- ").append(file.getFileName()).append('\n').append(read(file));
            if (text.length() > 0 && text.charAt(text.length() - 1) != '\n') {
                text.append('\n');
            }
        }
        return text.append("==== end of process logs ====").toString();
    }

    @Override
    public void close() throws InterruptedException {
        for (Daemon d : daemons) {
            Process p = d.process();
            if (p.isAlive()) {
                p.destroy();
                if (!p.waitFor(TERM_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                    kill(p);
                }
            }
        }
    }

    private static void kill(Process process) throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "(no file " + file + ")\n";
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")\n";
        }
    }
}
