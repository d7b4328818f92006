package org.mip6kit.provider.ipsec.vici;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;

/**
 * A client of charon's VICI socket (strongSwan {@code vici/README.md}) over a Java 17 unix-domain
 * socket. VICI has no sequence numbers, so exchanges (commands, event registrations) are sent one
 * at a time, in call order: the next is written once the previous one's answer arrived. Events may
 * arrive at any time, also in the middle of a command (that is how streamed results work), and are
 * delivered on the reader thread to the consumers registered for their name; a consumer must not
 * block.
 *
 * <p>Failures complete the returned stages exceptionally with a {@link ViciException}: a
 * {@link ViciCommandException} for CMD_UNKNOWN, EVENT_UNKNOWN or a response with {@code success =
 * no}; a {@link ViciFormatException} (after which the connection is closed) for malformed data;
 * a plain {@link ViciException} when the connection is lost or closed, which fails every
 * outstanding exchange, and completes {@link #lost()}. There is no reconnection here: after charon
 * restarts, connect again ({@link org.mip6kit.provider.ipsec.charon.CharonSession} does).
 *
 * <p>Timeouts are the caller's: apply them to the returned stage; since a late answer cannot be
 * told apart from the next one, a caller that gives up must {@link #close()} the client.
 * Thread-safe.
 */
public final class ViciClient implements Vici {
    private final SocketChannel channel;
    private final Object lock = new Object();
    private final ArrayDeque<Exchange> queue = new ArrayDeque<>();
    private final Map<String, List<Consumer<ViciMessage>>> listeners = new HashMap<>();
    private final Thread reader;
    private Exchange inFlight;
    private ViciException closedBy;
    private final CompletableFuture<ViciException> lost = new CompletableFuture<>();

    private record Exchange(ViciPacket packet, CompletableFuture<ViciPacket> answer) {}

    private ViciClient(SocketChannel channel, ThreadFactory threads) {
        this.channel = channel;
        this.reader = threads.newThread(this::readLoop);
    }

    /**
     * Connects to charon's socket (usually {@code /var/run/charon.vici}) and starts the reader thread.
     *
     * @param socket path of the unix-domain socket
     * @param threads makes the one reader thread
     * @return a connected client
     * @throws IOException if the connection fails
     */
    public static ViciClient connect(Path socket, ThreadFactory threads) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            ch.close();
            throw new ViciException("cannot connect to the VICI socket " + socket
                    + " (is charon running with the vici plugin, and may this user open it?)", e);
        }
        ViciClient c = new ViciClient(ch, threads);
        c.reader.start();
        return c;
    }

    /**
     * Connects with a daemon reader thread named {@code vici-reader}.
     *
     * @param socket path of the unix-domain socket
     * @return a connected client
     * @throws IOException if the connection fails
     */
    public static ViciClient connect(Path socket) throws IOException {
        return connect(socket, r -> {
            Thread t = new Thread(r, "vici-reader");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Sends a command.
     *
     * @param command command name, e.g. {@code version}
     * @param message arguments ({@link ViciMessage#EMPTY} for none)
     * @return the response; fails with {@link ViciCommandException} on CMD_UNKNOWN or
     *     {@code success = no}
     */
    @Override
    public CompletionStage<ViciMessage> request(String command, ViciMessage message) {
        return exchange(ViciPacket.request(command, message)).thenCompose(p -> answerOf(command, p));
    }

    /**
     * Sends a command whose results stream as events (e.g. {@code list-sas} streams {@code list-sa},
     * {@code initiate} streams {@code control-log}): registers for {@code streamEvent}, sends the
     * command, and unregisters after the response. Events of that name arriving meanwhile go to
     * {@code onEvent} (and to any other consumers of that event).
     *
     * @param command command name
     * @param message arguments
     * @param streamEvent the event that carries the stream
     * @param onEvent receives each streamed event on the reader thread
     * @return the final response, completed after the unregistration
     */
    @Override
    public CompletionStage<ViciMessage> request(String command, ViciMessage message,
            String streamEvent, Consumer<ViciMessage> onEvent) {
        return register(streamEvent, onEvent).thenCompose(sub -> {
            CompletionStage<ViciMessage> response = request(command, message);
            return response.handle((r, e) -> null)
                    .thenCompose(x -> sub.unsubscribe())
                    .handle((x, e) -> null)
                    .thenCompose(x -> response);
        });
    }

    /**
     * Subscribes to an event. The first local consumer of a name sends EVENT_REGISTER; later ones
     * share it.
     *
     * @param event event name, e.g. {@code ike-updown}
     * @param consumer receives each event's message on the reader thread
     * @return the subscription once charon confirmed it; fails with {@link ViciCommandException}
     *     on EVENT_UNKNOWN
     */
    @Override
    public CompletionStage<Subscription> register(String event, Consumer<ViciMessage> consumer) {
        ViciMessage.checkName(event);
        boolean first;
        synchronized (lock) {
            List<Consumer<ViciMessage>> l = listeners.computeIfAbsent(event,
                    k -> new CopyOnWriteArrayList<>());
            first = l.isEmpty();
            l.add(consumer);
        }
        Subscription sub = new Subscription(event, consumer);
        if (!first) {
            return CompletableFuture.completedFuture(sub);
        }
        return exchange(ViciPacket.control(ViciPacketType.EVENT_REGISTER, event))
                .thenCompose(p -> confirmation(event, p))
                .whenComplete((x, e) -> {
                    if (e != null) {
                        removeListener(event, consumer);
                    }
                })
                .thenApply(x -> sub);
    }

    private boolean removeListener(String event, Consumer<ViciMessage> consumer) {
        synchronized (lock) {
            List<Consumer<ViciMessage>> l = listeners.get(event);
            if (l == null || !l.remove(consumer)) {
                return false;
            }
            if (l.isEmpty()) {
                listeners.remove(event);
                return true;
            }
            return false;
        }
    }

    /** A consumer's registration for one event; {@link #unsubscribe()} ends it. */
    public final class Subscription implements ViciSubscription {
        private final String event;
        private final Consumer<ViciMessage> consumer;

        private Subscription(String event, Consumer<ViciMessage> consumer) {
            this.event = event;
            this.consumer = consumer;
        }

        @Override
        public String event() {
            return event;
        }

        /**
         * Stops delivery to this consumer; the last one sends EVENT_UNREGISTER.
         *
         * @return completes when done (at once if other consumers remain)
         */
        @Override
        public CompletionStage<Void> unsubscribe() {
            if (!removeListener(event, consumer)) {
                return CompletableFuture.completedFuture(null);
            }
            return exchange(ViciPacket.control(ViciPacketType.EVENT_UNREGISTER, event))
                    .thenCompose(p -> confirmation(event, p));
        }
    }

    private static CompletionStage<ViciMessage> answerOf(String command, ViciPacket p) {
        return switch (p.type()) {
            case CMD_RESPONSE -> {
                ViciMessage m = p.message();
                if (m.text("success").filter("no"::equals).isPresent()) {
                    yield CompletableFuture.failedFuture(
                            ViciCommandException.failed(command, m.text("errmsg").orElse(null)));
                }
                yield CompletableFuture.completedFuture(m);
            }
            case CMD_UNKNOWN -> CompletableFuture.failedFuture(
                    ViciCommandException.unknownCommand(command));
            default -> CompletableFuture.failedFuture(new ViciException(
                    "charon answered command '" + command + "' with " + p.type()));
        };
    }

    private static CompletionStage<Void> confirmation(String event, ViciPacket p) {
        return switch (p.type()) {
            case EVENT_CONFIRM -> CompletableFuture.completedFuture(null);
            case EVENT_UNKNOWN -> CompletableFuture.failedFuture(ViciCommandException.unknownEvent(event));
            default -> CompletableFuture.failedFuture(new ViciException(
                    "charon answered (un)registration of '" + event + "' with " + p.type()));
        };
    }

    private CompletableFuture<ViciPacket> exchange(ViciPacket packet) {
        Exchange x = new Exchange(packet, new CompletableFuture<>());
        byte[] bytes;
        try {
            bytes = ViciCodec.encodePacket(packet);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(new ViciException(e.getMessage()));
        }
        synchronized (lock) {
            if (closedBy != null) {
                return CompletableFuture.failedFuture(closedBy);
            }
            if (inFlight != null) {
                queue.add(x);
                return x.answer;
            }
            inFlight = x;
        }
        send(x, bytes);
        return x.answer;
    }

    private void send(Exchange x, byte[] bytes) {
        try {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            synchronized (channel) {
                while (buf.hasRemaining()) {
                    channel.write(buf);
                }
            }
        } catch (IOException e) {
            fail(new ViciException("lost the VICI connection while sending " + x.packet.type()
                    + " '" + x.packet.name() + "'", e));
        }
    }

    private void answered(ViciPacket answer) throws ViciException {
        Exchange done;
        Exchange next;
        synchronized (lock) {
            done = inFlight;
            if (done == null) {
                throw new ViciException("charon sent " + answer.type() + " with no request outstanding");
            }
            next = queue.poll();
            inFlight = next;
        }
        if (next != null) {
            send(next, ViciCodec.encodePacket(next.packet));
        }
        done.answer.complete(answer);
    }

    private void readLoop() {
        ByteBuffer header = ByteBuffer.allocate(4);
        try {
            while (true) {
                header.clear();
                readFully(header);
                int len = ViciCodec.checkSegmentLength(header.getInt(0));
                ByteBuffer body = ByteBuffer.allocate(len);
                readFully(body);
                ViciPacket p = ViciCodec.decodePacket(body.array());
                if (p.type() == ViciPacketType.EVENT) {
                    List<Consumer<ViciMessage>> l;
                    synchronized (lock) {
                        l = listeners.getOrDefault(p.name(), List.of());
                    }
                    for (Consumer<ViciMessage> c : l) {
                        c.accept(p.message());
                    }
                } else if (p.type() == ViciPacketType.CMD_REQUEST
                        || p.type() == ViciPacketType.EVENT_REGISTER
                        || p.type() == ViciPacketType.EVENT_UNREGISTER) {
                    throw new ViciException("charon sent a client-side packet " + p.type());
                } else {
                    answered(p);
                }
            }
        } catch (ViciException e) {
            fail(e);
        } catch (IOException | RuntimeException e) {
            fail(new ViciException("lost the VICI connection: " + e.getMessage(), e));
        }
    }

    private void readFully(ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            if (channel.read(buf) < 0) {
                throw new ViciException("charon closed the VICI connection");
            }
        }
    }

    private void fail(ViciException cause) {
        List<Exchange> pending;
        synchronized (lock) {
            if (closedBy != null) {
                return;
            }
            closedBy = cause;
            pending = new java.util.ArrayList<>(queue);
            if (inFlight != null) {
                pending.add(0, inFlight);
            }
            queue.clear();
            inFlight = null;
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // already failing: the cause is what matters
        }
        for (Exchange x : pending) {
            x.answer.completeExceptionally(cause);
        }
        lost.complete(cause);
    }

    @Override
    public CompletionStage<ViciException> lost() {
        return lost.copy();
    }

    /** Closes the connection; outstanding exchanges fail with a {@link ViciException}. */
    @Override
    public void close() {
        fail(new ViciException("VICI client closed"));
    }
}
