package org.mip6kit.provider.ipsec.vici;

import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * One connection to a VICI server: what the provider needs of charon's control socket.
 * {@link ViciClient} implements it over the unix-domain socket; tests implement it with a
 * simulated charon. Contracts as in {@link ViciClient}: exchanges one at a time in call order,
 * events delivered to their consumers on the connection's own thread (consumers must not
 * block), failures as {@link ViciException}s, secrets never echoed. Thread-safe.
 */
public interface Vici extends AutoCloseable {

    /** Sends {@code command}; the stage fails with {@link ViciCommandException} on {@code success = no}. */
    CompletionStage<ViciMessage> request(String command, ViciMessage message);

    /**
     * Sends a command whose results stream as {@code streamEvent} events to {@code onEvent}
     * (e.g. {@code list-sas} → {@code list-sa}); completes with the final response.
     */
    CompletionStage<ViciMessage> request(String command, ViciMessage message, String streamEvent,
            Consumer<ViciMessage> onEvent);

    /** Subscribes to an event; completes once the server confirmed it. */
    CompletionStage<? extends ViciSubscription> register(String event, Consumer<ViciMessage> consumer);

    /**
     * Completes, with the reason, when the connection is lost (charon stopped or restarted) or
     * closed. Never completes exceptionally.
     */
    CompletionStage<ViciException> lost();

    /** Closes the connection; outstanding exchanges fail. Idempotent; never throws. */
    @Override
    void close();
}
