package org.mip6kit.provider.ipsec.testbed;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.mip6kit.provider.ipsec.vici.ViciClient;
import org.mip6kit.provider.ipsec.vici.ViciMessage;
import org.mip6kit.provider.ipsec.vici.ViciValue;

/**
 * Records VICI events of one charon with their arrival time, so a test can wait for one that
 * matches. Thread-safe (events arrive on the client's reader thread).
 */
public final class ViciEventLog {
    /**
     * An event as received.
     *
     * @param name event name
     * @param nanos {@link System#nanoTime()} at arrival
     * @param message the event's message
     */
    public record Timed(String name, long nanos, ViciMessage message) {}

    private final List<Timed> events = new ArrayList<>();

    /**
     * Registers for the events on the client and records them here.
     *
     * @param client a VICI client
     * @param names event names, e.g. {@code ike-updown}
     * @return the log
     * @throws Exception if a registration fails within 10 s
     */
    public static ViciEventLog subscribe(ViciClient client, String... names) throws Exception {
        ViciEventLog log = new ViciEventLog();
        for (String n : names) {
            client.register(n, m -> log.add(n, m)).toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        return log;
    }

    private synchronized void add(String name, ViciMessage m) {
        events.add(new Timed(name, System.nanoTime(), m));
        notifyAll();
    }

    /**
     * Waits for the first recorded event of that name that matches (including ones recorded
     * before the call).
     *
     * @param name event name
     * @param match condition on the message
     * @param timeout how long to wait
     * @return the event
     * @throws TimeoutException with the events seen so far if none matches in time
     */
    public synchronized Timed await(String name, Predicate<ViciMessage> match, Duration timeout)
            throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (Timed t : events) {
                if (t.name().equals(name) && match.test(t.message())) {
                    return t;
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new TimeoutException("no matching '" + name + "' event within " + timeout + "; seen: " + events);
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    /** @return all events so far, in arrival order */
    public synchronized List<Timed> all() {
        return List.copyOf(events);
    }

    /**
     * @param m an {@code ike-updown} or {@code child-updown} message
     * @return whether it reports "up" ({@code up = yes}; charon omits the key on "down")
     */
    public static boolean isUp(ViciMessage m) {
        return m.text("up").filter("yes"::equals).isPresent();
    }

    /**
     * Prints a message as an indented tree, one element a line, secrets as {@code <secret>}.
     *
     * @param m the message
     * @return the text
     */
    public static String pretty(ViciMessage m) {
        StringBuilder b = new StringBuilder();
        pretty(m, "", b);
        return b.toString();
    }

    private static void pretty(ViciMessage m, String indent, StringBuilder b) {
        for (ViciMessage.Element e : m.elements()) {
            if (e instanceof ViciMessage.KeyValue kv) {
                b.append(indent).append(kv.name()).append(" = ").append(show(kv.value())).append('\n');
            } else if (e instanceof ViciMessage.ValueList l) {
                b.append(indent).append(l.name()).append(" = [");
                for (int i = 0; i < l.items().size(); i++) {
                    b.append(i == 0 ? "" : ", ").append(show(l.items().get(i)));
                }
                b.append("]\n");
            } else if (e instanceof ViciMessage.Section s) {
                b.append(indent).append(s.name()).append(" {\n");
                pretty(s.body(), indent + "  ", b);
                b.append(indent).append("}\n");
            }
        }
    }

    private static String show(ViciValue v) {
        return v.isSecret() ? "<secret>" : v.text();
    }
}
