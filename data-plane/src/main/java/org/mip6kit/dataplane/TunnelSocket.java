package org.mip6kit.dataplane;

import java.io.IOException;

import org.mip6kit.wire.Ipv6Address;

/**
 * The far side of the data plane: sends an IPv6 packet encapsulated in IPv6 to a tunnel
 * endpoint, and receives such packets with their outer source (a protocol-41 raw socket,
 * {@link RawTunnelSocket}; a fake in tests). The operating system builds and strips the outer
 * header; only the inner packet passes through here.
 *
 * <p>{@link #receive} is called by one thread only; {@link #send} may be called from any thread.
 */
public interface TunnelSocket extends AutoCloseable {

    /**
     * Waits up to {@code timeoutMillis} for one tunnelled packet.
     *
     * @param buffer receives the inner packet
     * @param outerSource receives the outer source address (16 octets)
     * @return the inner packet's length; 0 when none arrived in time; -1 once closed
     */
    int receive(byte[] buffer, byte[] outerSource, int timeoutMillis) throws IOException;

    /**
     * Sends {@code packet[offset, offset + length)} encapsulated to {@code destination}.
     *
     * @throws PacketTooLargeException when the path to the destination cannot carry it
     * @throws IOException when the operating system refuses otherwise
     */
    void send(Ipv6Address destination, byte[] packet, int offset, int length) throws IOException;

    /** Releases the socket. Idempotent. */
    @Override
    void close();

    /** The operating system said the packet is larger than the path MTU ({@code EMSGSIZE}). */
    final class PacketTooLargeException extends IOException {
        /** @param message what was sent where */
        public PacketTooLargeException(String message) {
            super(message);
        }
    }
}
