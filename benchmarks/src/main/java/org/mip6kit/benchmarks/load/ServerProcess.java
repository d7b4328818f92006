package org.mip6kit.benchmarks.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The load generator's handle on the forked {@link HomeAgentServer} JVM. */
final class ServerProcess implements AutoCloseable {

    private final Process process;
    private final BufferedReader out;
    private final PrintWriter in;
    final Map<String, String> ready;

    private ServerProcess(Process process) throws IOException {
        this.process = process;
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
        this.ready = expect("READY");
    }

    /**
     * Starts the home agent's JVM, bound to {@code cpus} by {@code taskset -c} (which execs it: same
     * PID) unless null; {@code providerArgs} tell {@link HomeAgentServer} which provider and its files
     * ({@code --key-table FILE} for RFC 4285).
     */
    static ServerProcess start(List<String> providerArgs, String heap, int maxBindings, Path pcap, List<String> jvmOptions,
                               String cpus) throws IOException {
        List<String> cmd = new ArrayList<>();
        if (cpus != null) {
            cmd.add("taskset");
            cmd.add("-c");
            cmd.add(cpus);
        }
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xms" + heap);
        cmd.add("-Xmx" + heap);
        if (cpus != null && jvmOptions.stream().noneMatch(o -> o.startsWith("-XX:+Use") && o.endsWith("GC"))) {
            // A JVM that sees one CPU picks the serial collector; keep G1, which it uses unpinned, so
            // pinned and unpinned heap figures compare.
            cmd.add("-XX:+UseG1GC");
        }
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(HomeAgentServer.class.getName());
        cmd.addAll(providerArgs);
        cmd.add("--max-bindings");
        cmd.add(Integer.toString(maxBindings));
        if (pcap != null) {
            cmd.add("--pcap");
            cmd.add(pcap.toString());
        }
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            return new ServerProcess(p);
        } catch (IOException | RuntimeException e) {
            p.destroyForcibly();
            throw e;
        }
    }

    long pid() {
        return process.pid();
    }

    /** The home agent JVM's counters now ({@code stats}). */
    ResourceUsage usage() throws IOException {
        return ResourceUsage.parse(ask("stats", "STATS"));
    }

    /** Sends {@code command} and returns the fields of the answer line starting with {@code answer}. */
    synchronized Map<String, String> ask(String command, String answer) throws IOException {
        in.println(command);
        return expect(answer);
    }

    private Map<String, String> expect(String word) throws IOException {
        String line = out.readLine();
        while (line != null && line.startsWith("[")) {
            System.err.println("home agent JVM: " + line); // the JVM's own log lines (-Xlog, JFR) share stdout
            line = out.readLine();
        }
        if (line == null) {
            throw new IOException("the home agent JVM (pid " + process.pid() + ") exited; see its standard error above");
        }
        if (!line.startsWith(word)) {
            throw new IOException("the home agent JVM said '" + line + "', expected " + word);
        }
        Map<String, String> fields = new HashMap<>();
        for (String f : line.substring(word.length()).trim().split(" ")) {
            int eq = f.indexOf('=');
            if (eq > 0) {
                fields.put(f.substring(0, eq), f.substring(eq + 1));
            }
        }
        return fields;
    }

    @Override
    public void close() {
        try {
            in.println("quit");
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
