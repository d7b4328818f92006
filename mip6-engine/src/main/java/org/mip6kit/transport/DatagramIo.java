package org.mip6kit.transport;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * The socket under {@link UdpTransport}: how datagrams are read and written, and nothing of what
 * they carry. Two implementations: {@link JdkDatagramIo}, a JDK {@code DatagramChannel} that
 * moves one datagram per system call, and {@link LinuxBatchDatagramIo}, which moves up to
 * {@link #batchSize()} per {@code recvmmsg} or {@code sendmmsg} (Linux, through jnr-ffi).
 * {@code UdpTransport} keeps the logic that is the same for both (parsing, the order of
 * deliveries, holding the acknowledgements of a batch until it is handled, partial sends), so
 * that logic is tested with a fake of this interface and no socket.
 *
 * <p>Threading: each receive thread has its own {@link Reader} and {@link Writer}, used by that
 * thread only; {@link #send} and {@link #close} may be called from any thread.
 */
interface DatagramIo {

    /** The address and port the socket is bound to, IPv4-mapped addresses as IPv4. */
    InetSocketAddress localAddress();

    /** The most datagrams one {@link Reader#receive} returns and one {@link Writer} holds; 1 for the JDK. */
    int batchSize();

    /** How this socket moves datagrams, for the log and the status: one line, no secrets. */
    String describe();

    /** A reader for one receive thread. */
    Reader newReader();

    /** A writer for one receive thread; only called when {@link #batchSize()} is above 1. */
    Writer newWriter();

    /**
     * Sends one datagram now, from any thread; waits only while the send buffer is full.
     *
     * @throws IOException if the operating system refuses it, or the socket is closed
     */
    void send(byte[] datagram, int offset, int length, InetSocketAddress to) throws IOException;

    /**
     * Wakes every thread waiting in {@link Reader#receive} (which then returns 0 or throws
     * {@link java.nio.channels.ClosedChannelException}) and releases the socket once nobody uses
     * it. Idempotent; never throws.
     */
    void close();

    /** Reads datagrams into slots it owns; valid until the next {@link #receive}. */
    interface Reader {

        /**
         * Waits for at least one datagram and takes what else is already queued, up to
         * {@link #batchSize()}.
         *
         * @return the datagrams now in slots {@code 0..n-1}; 0 when woken without one (a
         *         signal, a receive timeout, {@link #close})
         * @throws java.nio.channels.ClosedChannelException once the socket is closed
         * @throws IOException for an error the next call may not repeat (an ICMP error reported
         *         on the socket)
         */
        int receive() throws IOException;

        /** The datagram's length in octets; above {@link UdpTransport#MAX_DATAGRAM} only when {@link #truncated}. */
        int length(int slot);

        /** Whether the datagram was longer than its slot, so only a part of it was kept. */
        boolean truncated(int slot);

        /** Where the datagram came from, IPv4-mapped addresses as IPv4. */
        InetSocketAddress peer(int slot);

        /** Copies the first {@code min(length, into.length)} octets of the datagram into {@code into}. */
        void copy(int slot, byte[] into);
    }

    /** Lays datagrams out in slots and sends a run of them with one system call. */
    interface Writer {

        /** The slots, {@link #batchSize()}. */
        int capacity();

        /**
         * Lays out a datagram in {@code slot}, ready for {@link #send}.
         *
         * @param length 1..{@link UdpTransport#MAX_INNER_PACKET}
         */
        void put(int slot, byte[] datagram, int length, InetSocketAddress to);

        /**
         * Sends the datagrams in slots {@code from..from+count-1}, in slot order.
         *
         * @return how many of them, from {@code from} on, the operating system took: at least 1
         * @throws IOException if it refused the datagram in slot {@code from} (whose error is the
         *         only one a batch send reports); the next ones were not sent
         */
        int send(int from, int count) throws IOException;
    }
}
