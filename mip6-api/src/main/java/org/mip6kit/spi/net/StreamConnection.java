package org.mip6kit.spi.net;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.function.Consumer;

/**
 * A TCP connection opened or accepted through the {@link ProviderNetwork}. Two ways to read it,
 * one per connection: {@link #startReading} (event-driven: what arrives is handed over as it
 * arrives, so a protocol such as TLS can be driven without a thread of its own, and under virtual
 * time deterministically), or {@link #input()}, whose reads block — read it on a thread of the
 * provider's own choosing, never on an engine or network thread. Writes to {@link #output()} may
 * block while the peer does not read (a real socket's send buffer is full). Closing the
 * connection wakes a blocked read, which then ends with an {@link java.io.IOException} or end of
 * stream.
 */
public interface StreamConnection extends AutoCloseable {

    InputStream input();

    OutputStream output();

    InetSocketAddress remote();

    InetSocketAddress local();

    /**
     * Starts handing the bytes that arrive to {@code received}, in order, one chunk at a time
     * (never concurrently, never an empty chunk), then calls {@code ended} exactly once: at end
     * of stream, on a read error, or once the connection is closed. Neither may block or throw.
     * Call at most once, and do not read {@link #input()} as well.
     *
     * <p>Where the callbacks run is the network's choice: a reader thread per connection for real
     * sockets, a {@linkplain org.mip6kit.spi.Scheduler scheduler} task for the in-memory network
     * (so virtual time drives a whole TLS exchange). The default reads {@link #input()} on a new
     * daemon thread.
     */
    default void startReading(Consumer<byte[]> received, Runnable ended) {
        Thread reader = new Thread(() -> {
            byte[] buffer = new byte[16_384];
            try (InputStream in = input()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (n > 0) {
                        received.accept(java.util.Arrays.copyOf(buffer, n));
                    }
                }
            } catch (java.io.IOException | RuntimeException e) {
                // end of the connection: reported through ended
            } finally {
                ended.run();
            }
        }, "stream-reader " + remote());
        reader.setDaemon(true);
        reader.start();
    }

    /** Idempotent; never throws. */
    @Override
    void close();
}
