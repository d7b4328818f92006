package org.mip6kit.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Consumer;

import org.mip6kit.spi.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One direction of an in-memory TCP connection of {@link InMemoryProviderNetwork}: bytes written
 * to {@link #output()} are read, in order, from {@link #input()}. Writes never block (the buffer
 * is unbounded); reads block for real until bytes arrive or an end closes. Unlike
 * {@link java.io.PipedInputStream}, it does not care which threads read and write, nor whether
 * they are still alive.
 *
 * <p>Closing the writing end gives the reader end of stream once it has read what was written.
 * Closing the reading end wakes a blocked read, which then throws, drops what was buffered, and
 * makes later writes throw as a connection reset by its peer would.
 *
 * <p>{@link #startReading} turns the reading end event-driven: from then on what is written is
 * handed to a consumer in {@link Scheduler} tasks instead of being read from {@link #input()}.
 * At most one delivery task is pending or running at a time, and it takes every chunk written
 * until it finds none, so chunks arrive in order and never concurrently, however many threads
 * the scheduler has; the end (the writer closed and everything delivered, or the reader closed)
 * is reported once, by the same task.
 */
final class StreamPipe {

    private static final Logger LOG = LoggerFactory.getLogger(StreamPipe.class);

    private final String name;
    private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
    private int headOffset;
    private int buffered;
    private boolean writerClosed;
    private boolean readerClosed;
    private final InputStream input = new PipeInput();
    private final OutputStream output = new PipeOutput();
    private Scheduler scheduler;
    private Consumer<byte[]> received;
    private Runnable ended;
    private boolean delivering;
    private boolean endReported;

    StreamPipe(String name) {
        this.name = name;
    }

    InputStream input() {
        return input;
    }

    OutputStream output() {
        return output;
    }

    synchronized void closeWriter() {
        writerClosed = true;
        notifyAll();
        scheduleDelivery();
    }

    synchronized void closeReader() {
        readerClosed = true;
        chunks.clear();
        buffered = 0;
        notifyAll();
        scheduleDelivery();
    }

    /**
     * Hands every chunk written from now on (and any already buffered) to {@code received}, then
     * runs {@code ended} once, all in {@code scheduler} tasks (see the class description).
     *
     * @throws IllegalStateException if reading was already started
     */
    synchronized void startReading(Scheduler scheduler, Consumer<byte[]> received, Runnable ended) {
        Objects.requireNonNull(scheduler, "scheduler");
        Objects.requireNonNull(received, "received");
        Objects.requireNonNull(ended, "ended");
        if (this.received != null) {
            throw new IllegalStateException(name + ": reading was already started");
        }
        this.scheduler = scheduler;
        this.received = received;
        this.ended = ended;
        scheduleDelivery();
    }

    /** Under the lock: schedules the delivery task unless one is pending or running, or nothing is due. */
    private void scheduleDelivery() {
        if (received == null || delivering || endReported) {
            return;
        }
        if (chunks.isEmpty() && !writerClosed && !readerClosed) {
            return;
        }
        delivering = true;
        scheduler.schedule(Duration.ZERO, this::deliver);
    }

    /** The delivery task: hands over chunks until none is left, then reports the end if it came. */
    private void deliver() {
        while (true) {
            byte[] chunk;
            boolean end = false;
            synchronized (this) {
                chunk = readerClosed ? null : takeAll();
                if (chunk == null) {
                    delivering = false;
                    if (readerClosed || writerClosed) {
                        end = !endReported;
                        endReported = true;
                    }
                    if (!end) {
                        return;
                    }
                }
            }
            if (end) {
                try {
                    ended.run();
                } catch (RuntimeException e) {
                    LOG.warn("{}: the end-of-stream callback failed", name, e);
                }
                return;
            }
            try {
                received.accept(chunk);
            } catch (RuntimeException e) {
                LOG.warn("{}: the stream consumer failed on {} octets", name, chunk.length, e);
            }
        }
    }

    /** Under the lock: every buffered byte as one chunk, or null if none. */
    private byte[] takeAll() {
        if (chunks.isEmpty()) {
            return null;
        }
        byte[] all = new byte[buffered];
        int at = 0;
        for (byte[] c : chunks) {
            int n = c.length - headOffset;
            System.arraycopy(c, headOffset, all, at, n);
            at += n;
            headOffset = 0;
        }
        chunks.clear();
        buffered = 0;
        return all;
    }

    private synchronized void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (writerClosed) {
            throw new IOException(name + ": the stream is closed");
        }
        if (readerClosed) {
            throw new IOException(name + ": connection reset: the peer closed it");
        }
        if (len > 0) {
            chunks.add(Arrays.copyOfRange(b, off, off + len));
            buffered += len;
            notifyAll();
            scheduleDelivery();
        }
    }

    private synchronized int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        if (received != null) {
            throw new IOException(name + ": reading is event-driven (startReading), the input stream is not for reading");
        }
        while (chunks.isEmpty() && !writerClosed && !readerClosed) {
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException(name + ": interrupted while reading");
            }
        }
        if (readerClosed) {
            throw new IOException(name + ": the stream is closed");
        }
        if (chunks.isEmpty()) {
            return -1;
        }
        int copied = 0;
        while (copied < len && !chunks.isEmpty()) {
            byte[] head = chunks.peek();
            int n = Math.min(len - copied, head.length - headOffset);
            System.arraycopy(head, headOffset, b, off + copied, n);
            copied += n;
            headOffset += n;
            if (headOffset == head.length) {
                chunks.poll();
                headOffset = 0;
            }
        }
        buffered -= copied;
        return copied;
    }

    private synchronized int available() {
        return buffered;
    }

    private final class PipeInput extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return StreamPipe.this.read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return StreamPipe.this.read(b, off, len);
        }

        @Override
        public int available() {
            return StreamPipe.this.available();
        }

        @Override
        public void close() {
            closeReader();
        }
    }

    private final class PipeOutput extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            StreamPipe.this.write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            StreamPipe.this.write(b, off, len);
        }

        @Override
        public void close() {
            closeWriter();
        }
    }
}
