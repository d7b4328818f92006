package org.mip6kit.dataplane;

import java.io.IOException;
import java.util.function.BooleanSupplier;

import org.slf4j.Logger;

/**
 * The two receive loops every user-space tunnel end runs on a thread of its own: one reads the
 * local {@link PacketDevice}, the other the {@link TunnelSocket}. Each polls with a timeout so a
 * stop is seen within it, ends when its source is closed (-1), and survives a failed read with a
 * warning (a single bad packet or a transient error must not stop the data plane).
 */
final class PacketLoops {

    /** Takes one packet read from the local device ({@code length} octets of {@code packet}). */
    interface FromDevice {
        void accept(byte[] packet, int length);
    }

    /** Takes one packet received from the tunnel, with the outer source address (16 octets). */
    interface FromTunnel {
        void accept(byte[] outerSource, byte[] packet, int length);
    }

    private PacketLoops() {
    }

    /** Reads {@code device} while {@code running} holds and hands each packet to {@code handler}. */
    static void readDevice(PacketDevice device, int pollMillis, BooleanSupplier running, FromDevice handler,
                           Logger log) {
        byte[] buffer = new byte[TunDevice.MAX_PACKET];
        while (running.getAsBoolean()) {
            try {
                int n = device.read(buffer, pollMillis);
                if (n < 0) {
                    break;
                }
                if (n > 0) {
                    handler.accept(buffer, n);
                }
            } catch (IOException | RuntimeException e) {
                if (running.getAsBoolean()) {
                    log.warn("reading {} failed (continuing): {}", device.name(), e.toString());
                }
            }
        }
    }

    /** Receives from {@code socket} while {@code running} holds and hands each packet to {@code handler}. */
    static void receiveTunnel(TunnelSocket socket, int pollMillis, BooleanSupplier running, FromTunnel handler,
                              Logger log) {
        byte[] buffer = new byte[TunDevice.MAX_PACKET];
        byte[] source = new byte[16];
        while (running.getAsBoolean()) {
            try {
                int n = socket.receive(buffer, source, pollMillis);
                if (n < 0) {
                    break;
                }
                if (n > 0) {
                    handler.accept(source, buffer, n);
                }
            } catch (IOException | RuntimeException e) {
                if (running.getAsBoolean()) {
                    log.warn("receiving tunnel packets failed (continuing): {}", e.toString());
                }
            }
        }
    }
}
