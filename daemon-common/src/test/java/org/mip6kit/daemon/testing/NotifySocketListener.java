package org.mip6kit.daemon.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.mip6kit.testing.HostRequirements;

/**
 * The service manager's end of the {@code sd_notify} protocol, for tests: an {@code AF_UNIX}
 * {@code SOCK_DGRAM} socket bound by {@code /usr/bin/python3} (its standard library, not the
 * jnr-ffi code under test), which prints each datagram it receives as one hex line. The test
 * sets {@code NOTIFY_SOCKET} to {@link #address()} and reads the datagrams in arrival order with
 * {@link #next}. {@link #close()} kills the python process by its PID.
 */
public final class NotifySocketListener implements AutoCloseable {

    private static final String SCRIPT = """
            import socket, sys
            a = sys.argv[1]
            s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            s.bind(b'\\0' + a[1:].encode() if a.startswith('@') else a)
            print('BOUND', flush=True)
            while True:
                print(s.recv(65536).hex(), flush=True)
            """;

    private final String address;
    private final Process process;
    private final BlockingQueue<String> datagrams = new LinkedBlockingQueue<>();
    private final List<String> received = new ArrayList<>();

    private NotifySocketListener(String address, Process process) {
        this.address = address;
        this.process = process;
    }

    /** Binds the file system socket {@code path} (which must not exist). */
    public static NotifySocketListener bind(Path path) throws IOException, InterruptedException {
        return start(path.toAbsolutePath().toString());
    }

    /** Binds an abstract socket: {@code @name}. */
    public static NotifySocketListener bindAbstract(String name) throws IOException, InterruptedException {
        return start("@" + name);
    }

    private static NotifySocketListener start(String address) throws IOException, InterruptedException {
        Path python = HostRequirements.command("/usr/bin/python3", "python3");
        Process process = new ProcessBuilder(python.toString(), "-c", SCRIPT, address)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        NotifySocketListener listener = new NotifySocketListener(address, process);
        BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.US_ASCII));
        String first = lines.readLine();
        if (!"BOUND".equals(first)) {
            listener.close();
            throw new IOException("python3 could not bind " + address + " (exit " + process.waitFor() + ")");
        }
        Thread reader = new Thread(() -> {
            try {
                String line;
                while ((line = lines.readLine()) != null) {
                    listener.datagrams.add(new String(HexFormat.of().parseHex(line.strip()), StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                // the process was killed
            }
        }, "notify-socket-reader");
        reader.setDaemon(true);
        reader.start();
        return listener;
    }

    /** What {@code NOTIFY_SOCKET} must say to reach this socket. */
    public String address() {
        return address;
    }

    /**
     * The next datagram, its {@code KEY=value} lines as sent; fails if none arrives within
     * {@code timeout}.
     */
    public String next(Duration timeout) throws InterruptedException {
        String d = datagrams.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (d == null) {
            throw new AssertionError("no notification within " + timeout + " on " + address + "; received so far: "
                    + received);
        }
        received.add(d);
        return d;
    }

    /** The next datagram if one arrives within {@code timeout}, else null. */
    public String poll(Duration timeout) throws InterruptedException {
        String d = datagrams.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (d != null) {
            received.add(d);
        }
        return d;
    }

    /**
     * Reads datagrams until one has the line {@code line} (e.g. {@code READY=1}) and returns it;
     * the ones before it are in {@link #received()}.
     */
    public String awaitLine(String line, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no notification with " + line + " within " + timeout + "; received: "
                        + received);
            }
            String d = next(Duration.ofNanos(left));
            if (d.lines().anyMatch(line::equals)) {
                return d;
            }
        }
    }

    /** Every datagram read so far, in order. */
    public List<String> received() {
        return List.copyOf(received);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
