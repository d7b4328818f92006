package org.mip6kit.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Objects;

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
 */
final class StreamPipe {

    private final String name;
    private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
    private int headOffset;
    private int buffered;
    private boolean writerClosed;
    private boolean readerClosed;
    private final InputStream input = new PipeInput();
    private final OutputStream output = new PipeOutput();

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
    }

    synchronized void closeReader() {
        readerClosed = true;
        chunks.clear();
        buffered = 0;
        notifyAll();
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
        }
    }

    private synchronized int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
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
