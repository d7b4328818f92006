package org.mip6kit.dataplane;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.mip6kit.wire.Ipv6Address;

/** A TUN device and a tunnel socket that record what is written and sent. */
final class FakeLinks {

    private FakeLinks() {
    }

    record Sent(Ipv6Address destination, byte[] packet) {
    }

    static final class Device implements PacketDevice {
        final List<byte[]> written = new ArrayList<>();
        boolean closed;

        @Override
        public int read(byte[] buffer, int timeoutMillis) {
            return closed ? -1 : 0;
        }

        @Override
        public void write(byte[] packet, int offset, int length) {
            written.add(Arrays.copyOfRange(packet, offset, offset + length));
        }

        @Override
        public String name() {
            return "fake0";
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    static final class Socket implements TunnelSocket {
        final Ipv6Address local;
        final List<Sent> sent = new ArrayList<>();
        IOException failNext;
        boolean closed;

        Socket(Ipv6Address local) {
            this.local = local;
        }

        @Override
        public int receive(byte[] buffer, byte[] outerSource, int timeoutMillis) {
            return closed ? -1 : 0;
        }

        @Override
        public void send(Ipv6Address destination, byte[] packet, int offset, int length) throws IOException {
            if (failNext != null) {
                IOException e = failNext;
                failNext = null;
                throw e;
            }
            sent.add(new Sent(destination, Arrays.copyOfRange(packet, offset, offset + length)));
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
