package org.mip6kit.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link DatagramIo} with no socket: the test queues the batches each receive returns and
 * scripts what each batch send does; every call is written to {@link #events} in the order it
 * happened, and every datagram that left to {@link #wire}.
 */
final class FakeDatagramIo implements DatagramIo {

    static final InetSocketAddress LOCAL = new InetSocketAddress("192.0.2.1", 4191);

    /** A datagram as a receive returns it; {@code length} may exceed the octets given (a truncated one). */
    record Arrival(byte[] octets, int length, boolean truncated, InetSocketAddress peer) {
        static Arrival of(byte[] octets, InetSocketAddress peer) {
            return new Arrival(octets, octets.length, false, peer);
        }
    }

    /** A datagram that left: through a batch send or at once. */
    record Departure(byte[] octets, InetSocketAddress to, boolean batched) {
    }

    final int batchSize;
    final BlockingQueue<List<Arrival>> arrivals = new LinkedBlockingQueue<>();
    final List<String> events = Collections.synchronizedList(new ArrayList<>());
    final List<Departure> wire = Collections.synchronizedList(new ArrayList<>());
    /** What the next batch sends do, in order: an Integer sends at most that many, an IOException refuses the first. */
    final Deque<Object> sendScript = new ArrayDeque<>();
    volatile boolean closed;

    FakeDatagramIo(int batchSize) {
        this.batchSize = batchSize;
    }

    void arrive(Arrival... batch) {
        if (batch.length > batchSize) {
            throw new IllegalArgumentException("a receive returns at most " + batchSize);
        }
        arrivals.add(List.of(batch));
    }

    @Override
    public InetSocketAddress localAddress() {
        return LOCAL;
    }

    @Override
    public int batchSize() {
        return batchSize;
    }

    @Override
    public String describe() {
        return "fake, batches of " + batchSize;
    }

    @Override
    public Reader newReader() {
        return new Reader() {
            private List<Arrival> current = List.of();

            @Override
            public int receive() throws IOException {
                if (closed) {
                    throw new ClosedChannelException();
                }
                List<Arrival> next;
                try {
                    next = arrivals.poll(20, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return 0;
                }
                if (next == null) {
                    return 0;
                }
                current = next;
                events.add("received " + next.size());
                return next.size();
            }

            @Override
            public int length(int slot) {
                return current.get(slot).length();
            }

            @Override
            public boolean truncated(int slot) {
                return current.get(slot).truncated();
            }

            @Override
            public InetSocketAddress peer(int slot) {
                return current.get(slot).peer();
            }

            @Override
            public void copy(int slot, byte[] into) {
                byte[] o = current.get(slot).octets();
                System.arraycopy(o, 0, into, 0, Math.min(o.length, into.length));
            }
        };
    }

    @Override
    public Writer newWriter() {
        return new Writer() {
            private final byte[][] slots = new byte[batchSize][];
            private final InetSocketAddress[] to = new InetSocketAddress[batchSize];

            @Override
            public int capacity() {
                return batchSize;
            }

            @Override
            public void put(int slot, byte[] datagram, int length, InetSocketAddress peer) {
                slots[slot] = Arrays.copyOf(datagram, length);
                to[slot] = peer;
                events.add("put " + slot);
            }

            @Override
            public int send(int from, int count) throws IOException {
                Object step;
                synchronized (sendScript) {
                    step = sendScript.poll();
                }
                if (step instanceof IOException e) {
                    events.add("sendmmsg " + from + "+" + count + " refused");
                    throw e;
                }
                int n = step instanceof Integer limit ? Math.min(limit, count) : count;
                for (int i = from; i < from + n; i++) {
                    wire.add(new Departure(slots[i], to[i], true));
                }
                events.add("sendmmsg " + from + "+" + count + " sent " + n);
                return n;
            }
        };
    }

    @Override
    public void send(byte[] datagram, int offset, int length, InetSocketAddress to) throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
        wire.add(new Departure(Arrays.copyOfRange(datagram, offset, offset + length), to, false));
        events.add("sendto");
    }

    @Override
    public void close() {
        closed = true;
    }
}
