package org.mip6kit.dataplane;

import java.io.IOException;

/**
 * The local end of the data plane: where the host's own IP stack hands packets to the tunnel
 * and takes them back (a TUN device, {@link TunDevice}; a fake in tests). Packets are whole IPv6
 * packets with no link-layer header.
 *
 * <p>{@link #read} is called by one thread only; {@link #write} may be called from any thread.
 */
public interface PacketDevice extends AutoCloseable {

    /**
     * Waits up to {@code timeoutMillis} for one packet and copies it into {@code buffer}.
     *
     * @return its length; 0 when none arrived in time; -1 once the device is closed
     * @throws IOException when the operating system fails the read
     */
    int read(byte[] buffer, int timeoutMillis) throws IOException;

    /** Hands one packet to the host's IP stack. */
    void write(byte[] packet, int offset, int length) throws IOException;

    /** The device's name (the interface name of a TUN device). */
    String name();

    /** Releases the device; a blocked {@link #read} returns -1 within its timeout. Idempotent. */
    @Override
    void close();
}
