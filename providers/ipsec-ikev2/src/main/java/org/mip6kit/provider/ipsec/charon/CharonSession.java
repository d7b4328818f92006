package org.mip6kit.provider.ipsec.charon;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

import org.mip6kit.provider.ipsec.vici.Vici;
import org.mip6kit.provider.ipsec.vici.ViciException;
import org.mip6kit.spi.Cancellable;
import org.mip6kit.spi.Scheduler;

/**
 * The provider's lasting relation with one charon: connects to its VICI socket, registers for
 * {@link CharonEvent#NAMES}, and when the connection is lost (charon stopped, crashed,
 * restarted) tells the {@link Listener} and connects again after 1, 2, 4 … 30 s, registering
 * again. Every listener call runs on the provider's scheduler, one at a time and in the order
 * charon sent the events, never on the VICI reader thread.
 *
 * <p>The first {@link #connect()} is made by the caller (start of a path, a bootstrap) and fails
 * with the reason when charon cannot be reached; later reconnections are the session's own.
 */
public final class CharonSession implements AutoCloseable {

    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    private static final Duration LAST_RETRY = Duration.ofSeconds(30);

    /** What the session reports, always on the scheduler, one call at a time. */
    public interface Listener {
        /** Connected and registered; {@code again} after a loss. */
        void connected(Charon charon, boolean again);

        /** The connection was lost; reconnection is under way. */
        void lost(String reason);

        /** An event charon sent. */
        void event(CharonEvent event);
    }

    private final ViciConnector connector;
    private final Path socket;
    private final Scheduler scheduler;
    private final Listener listener;
    private final Executor serial;
    private final Object lock = new Object();
    private Charon current;
    private boolean closed;
    private boolean everConnected;
    private Duration nextRetry = FIRST_RETRY;
    private Cancellable retry;

    public CharonSession(ViciConnector connector, Path socket, Scheduler scheduler, Listener listener) {
        this.connector = connector;
        this.socket = socket;
        this.scheduler = scheduler;
        this.listener = listener;
        this.serial = new SerialExecutor(scheduler.executor());
    }

    /** The socket path (for messages). */
    public Path socket() {
        return socket;
    }

    /** The connected charon, if the session is connected now. */
    public Optional<Charon> current() {
        synchronized (lock) {
            return Optional.ofNullable(current);
        }
    }

    /**
     * Connects (if not connected) and registers for the events; completes with the connected
     * charon, or fails with a {@link ViciException} that names the socket.
     */
    public CompletionStage<Charon> connect() {
        Optional<Charon> now = current();
        if (now.isPresent()) {
            return CompletableFuture.completedFuture(now.get());
        }
        return scheduler.runBlocking("connecting to charon's VICI socket " + socket, () -> connector.connect(socket))
                .thenCompose(this::registerAll)
                .thenApply(this::adopt);
    }

    private CompletionStage<Vici> registerAll(Vici vici) {
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (String name : CharonEvent.NAMES) {
            chain = chain.thenCompose(x -> vici.register(name,
                            m -> serial.execute(() -> listener.event(CharonEvent.parse(name, m))))
                    .thenApply(s -> null));
        }
        return chain.handle((x, e) -> {
            if (e != null) {
                vici.close();
                throw new java.util.concurrent.CompletionException(e instanceof java.util.concurrent.CompletionException
                        ? e.getCause() : e);
            }
            return vici;
        });
    }

    private Charon adopt(Vici vici) {
        Charon c = new Charon(vici, scheduler);
        boolean again;
        synchronized (lock) {
            if (closed) {
                vici.close();
                throw new IllegalStateException("the provider closed while connecting to charon");
            }
            if (current != null) {
                vici.close();
                return current;
            }
            current = c;
            again = everConnected;
            everConnected = true;
            nextRetry = FIRST_RETRY;
        }
        vici.lost().thenAccept(reason -> onLost(c, reason));
        serial.execute(() -> listener.connected(c, again));
        return c;
    }

    private void onLost(Charon c, ViciException reason) {
        synchronized (lock) {
            if (current != c) {
                return;
            }
            current = null;
            if (closed) {
                return;
            }
        }
        serial.execute(() -> listener.lost(reason.getMessage()));
        scheduleRetry();
    }

    private void scheduleRetry() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            Duration wait = nextRetry;
            nextRetry = nextRetry.multipliedBy(2).compareTo(LAST_RETRY) > 0 ? LAST_RETRY : nextRetry.multipliedBy(2);
            retry = scheduler.schedule(wait, () -> connect().whenComplete((c, e) -> {
                if (e != null) {
                    scheduleRetry();
                }
            }));
        }
    }

    /** Closes the connection and stops reconnecting. Idempotent. */
    @Override
    public void close() {
        Charon c;
        synchronized (lock) {
            closed = true;
            c = current;
            current = null;
            if (retry != null) {
                retry.cancel();
            }
        }
        if (c != null) {
            c.vici().close();
        }
    }
}
