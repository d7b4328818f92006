package org.mip6kit.provider.ipsec.sim;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

import org.mip6kit.provider.ipsec.charon.SerialExecutor;
import org.mip6kit.provider.ipsec.vici.Vici;
import org.mip6kit.provider.ipsec.vici.ViciCodec;
import org.mip6kit.provider.ipsec.vici.ViciException;
import org.mip6kit.provider.ipsec.vici.ViciFormatException;
import org.mip6kit.provider.ipsec.vici.ViciMessage;
import org.mip6kit.provider.ipsec.vici.ViciRefusals;
import org.mip6kit.provider.ipsec.vici.ViciSubscription;

/**
 * One client connection to a {@link SimulatedCharon}: what {@link org.mip6kit.provider.ipsec.vici.ViciClient}
 * is on the real socket. Exchanges (commands, event registrations) are handled one at a time in
 * call order, as charon answers a client that waits for each answer; every message crosses the
 * {@link ViciCodec} both ways, so the client sees what it would decode from the wire (values never
 * secret). Everything the client receives (answers, events, the end) is handed over in order on
 * the world's scheduler, never on the caller's thread. State is guarded by the world's lock.
 */
final class SimulatedVici implements Vici {

    /** What an exchange is. */
    enum Kind { COMMAND, REGISTER, UNREGISTER }

    private final SimulatedCharon charon;
    private final Object lock;
    private final SerialExecutor out;
    private final ArrayDeque<Exchange> waiting = new ArrayDeque<>();
    private final Map<String, List<Consumer<ViciMessage>>> listeners = new HashMap<>();
    private final CompletableFuture<ViciException> lost = new CompletableFuture<>();
    private Exchange inFlight;
    private ViciException closedBy;

    SimulatedVici(SimulatedCharon charon, Object lock, Executor executor) {
        this.charon = charon;
        this.lock = lock;
        this.out = new SerialExecutor(executor);
    }

    /** One command or (un)registration, answered once. */
    final class Exchange {
        final Kind kind;
        final String name;
        final ViciMessage message;
        final Consumer<ViciMessage> consumer;
        final CompletableFuture<ViciMessage> answer = new CompletableFuture<>();
        private boolean done;

        Exchange(Kind kind, String name, ViciMessage message, Consumer<ViciMessage> consumer) {
            this.kind = kind;
            this.name = name;
            this.message = message;
            this.consumer = consumer;
        }

        /**
         * Streams {@code event} (a {@code list-sa} of {@code list-sas}) to this connection only, as
         * charon streams a command's results to the client that asked; nobody registered, nothing sent.
         */
        void stream(String event, ViciMessage body) {
            synchronized (lock) {
                if (!done && closedBy == null) {
                    raiseLocked(event, body);
                }
            }
        }

        /** Answers with {@code response} (a {@code success = no} one fails the client's stage). */
        void respond(ViciMessage response) {
            ViciMessage m = wire(response);
            finish(r -> r.complete(m));
        }

        /** Answers with a refusal the client reports as {@code failure} (CMD_UNKNOWN, EVENT_UNKNOWN). */
        void refuse(ViciException failure) {
            finish(r -> r.completeExceptionally(failure));
        }

        private void finish(Consumer<CompletableFuture<ViciMessage>> how) {
            synchronized (lock) {
                if (done || closedBy != null) {
                    return;
                }
                done = true;
                out.execute(() -> how.accept(answer));
                inFlight = null;
                startNextLocked();
            }
        }
    }

    // ---------------------------------------------------------------- Vici

    @Override
    public CompletionStage<ViciMessage> request(String command, ViciMessage message) {
        return submit(new Exchange(Kind.COMMAND, command, message, null)).thenCompose(m -> answerOf(command, m));
    }

    @Override
    public CompletionStage<ViciMessage> request(String command, ViciMessage message, String streamEvent,
            Consumer<ViciMessage> onEvent) {
        return register(streamEvent, onEvent).thenCompose(sub -> {
            CompletionStage<ViciMessage> response = request(command, message);
            return response.handle((r, e) -> null)
                    .thenCompose(x -> sub.unsubscribe())
                    .handle((x, e) -> null)
                    .thenCompose(x -> response);
        });
    }

    @Override
    public CompletionStage<? extends ViciSubscription> register(String event, Consumer<ViciMessage> consumer) {
        Subscription sub = new Subscription(event, consumer);
        return submit(new Exchange(Kind.REGISTER, event, ViciMessage.EMPTY, consumer)).thenApply(m -> sub);
    }

    @Override
    public CompletionStage<ViciException> lost() {
        return lost.copy();
    }

    @Override
    public void close() {
        end(new ViciException("VICI client closed"));
    }

    @Override
    public String toString() {
        return "SimulatedVici[" + charon.hostName() + "]";
    }

    private static CompletionStage<ViciMessage> answerOf(String command, ViciMessage m) {
        // what ViciClient does with a CMD_RESPONSE, so that the simulated charon's refusals read the same
        if (m.text("success").filter("no"::equals).isPresent()) {
            return CompletableFuture.failedFuture(ViciRefusals.failed(command, m.text("errmsg").orElse(null)));
        }
        return CompletableFuture.completedFuture(m);
    }

    private final class Subscription implements ViciSubscription {
        private final String event;
        private final Consumer<ViciMessage> consumer;

        Subscription(String event, Consumer<ViciMessage> consumer) {
            this.event = event;
            this.consumer = consumer;
        }

        @Override
        public String event() {
            return event;
        }

        @Override
        public CompletionStage<Void> unsubscribe() {
            return submit(new Exchange(Kind.UNREGISTER, event, ViciMessage.EMPTY, consumer))
                    .thenApply(m -> null);
        }
    }

    // ---------------------------------------------------------------- the queue

    private CompletableFuture<ViciMessage> submit(Exchange x) {
        synchronized (lock) {
            if (closedBy != null) {
                ViciException reason = closedBy;
                out.execute(() -> x.answer.completeExceptionally(reason));
                return x.answer;
            }
            waiting.add(x);
            if (inFlight == null) {
                startNextLocked();
            }
        }
        return x.answer;
    }

    private void startNextLocked() {
        Exchange next = waiting.poll();
        if (next == null) {
            return;
        }
        inFlight = next;
        out.execute(() -> {
            synchronized (lock) {
                if (closedBy != null || next.done) {
                    return;
                }
                ViciMessage request;
                try {
                    request = wire(next.message);
                } catch (IllegalStateException e) {
                    next.refuse(new ViciException(e.getMessage()));
                    return;
                }
                charon.handle(this, next, request);
            }
        });
    }

    // ---------------------------------------------------------------- for the charon, under the lock

    /** Adds a consumer of {@code event}. */
    void listenLocked(String event, Consumer<ViciMessage> consumer) {
        listeners.computeIfAbsent(event, k -> new CopyOnWriteArrayList<>()).add(consumer);
    }

    /** Removes a consumer of {@code event}. */
    void unlistenLocked(String event, Consumer<ViciMessage> consumer) {
        List<Consumer<ViciMessage>> l = listeners.get(event);
        if (l != null) {
            l.remove(consumer);
            if (l.isEmpty()) {
                listeners.remove(event);
            }
        }
    }

    /** Whether anybody on this connection listens to {@code event}. */
    boolean listensLocked(String event) {
        return listeners.containsKey(event);
    }

    /** Raises {@code event} to this connection's consumers of it (none: dropped, as charon does). */
    void raiseLocked(String event, ViciMessage body) {
        if (closedBy != null || !listeners.containsKey(event)) {
            return;
        }
        deliverLocked(event, wire(body));
    }

    private void deliverLocked(String event, ViciMessage m) {
        for (Consumer<ViciMessage> c : new ArrayList<>(listeners.getOrDefault(event, List.of()))) {
            out.execute(() -> c.accept(m));
        }
    }

    /** Ends the connection: what waits fails with {@code reason}, then {@link #lost()} completes. */
    void end(ViciException reason) {
        List<Exchange> pending = new ArrayList<>();
        synchronized (lock) {
            if (closedBy != null) {
                return;
            }
            closedBy = reason;
            if (inFlight != null) {
                pending.add(inFlight);
            }
            pending.addAll(waiting);
            waiting.clear();
            inFlight = null;
            listeners.clear();
            charon.forget(this);
            out.execute(() -> {
                for (Exchange x : pending) {
                    x.answer.completeExceptionally(reason);
                }
                lost.complete(reason);
            });
        }
    }

    boolean closedLocked() {
        return closedBy != null;
    }

    /** The message as the other end decodes it from the wire. */
    static ViciMessage wire(ViciMessage m) {
        try {
            return ViciCodec.decodeMessage(ViciCodec.encodeMessage(m));
        } catch (ViciFormatException | IllegalArgumentException e) {
            throw new IllegalStateException("the message cannot cross the VICI socket: " + e.getMessage(), e);
        }
    }

}
