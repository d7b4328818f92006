package org.mip6kit.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/**
 * A JDK {@link DatagramChannel} in blocking mode: one {@code recvfrom} per datagram received,
 * one {@code sendto} per datagram sent. Runs wherever the JDK does; the reference the batched
 * Linux path is measured against.
 */
final class JdkDatagramIo implements DatagramIo {

    private final DatagramChannel channel;
    private final InetSocketAddress localAddress;
    private final String why;

    private JdkDatagramIo(DatagramChannel channel, InetSocketAddress localAddress, String why) {
        this.channel = channel;
        this.localAddress = localAddress;
        this.why = why;
    }

    /**
     * Binds a channel.
     *
     * @param why why this path and not the batched one, for {@link #describe()}
     * @throws IOException if the socket cannot be opened or bound
     */
    static JdkDatagramIo open(InetSocketAddress endpoint, int receiveBufferBytes, String why) throws IOException {
        DatagramChannel channel = DatagramChannel.open();
        try {
            if (receiveBufferBytes > 0) {
                channel.setOption(StandardSocketOptions.SO_RCVBUF, receiveBufferBytes);
            }
            channel.bind(endpoint);
            InetSocketAddress bound = OuterEndpoint.normalised((InetSocketAddress) channel.getLocalAddress());
            return new JdkDatagramIo(channel, bound, why);
        } catch (IOException | RuntimeException e) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // the bind failure is what counts
            }
            throw e;
        }
    }

    @Override
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    @Override
    public int batchSize() {
        return 1;
    }

    @Override
    public String describe() {
        return "JDK DatagramChannel, one datagram per system call (" + why + ")";
    }

    @Override
    public Reader newReader() {
        return new Reader() {
            private final ByteBuffer buffer = ByteBuffer.allocateDirect(UdpTransport.MAX_DATAGRAM);
            private InetSocketAddress peer;
            private int length;

            @Override
            public int receive() throws IOException {
                buffer.clear();
                peer = OuterEndpoint.normalised((InetSocketAddress) channel.receive(buffer));
                length = buffer.position();
                return 1;
            }

            @Override
            public int length(int slot) {
                return length;
            }

            @Override
            public boolean truncated(int slot) {
                return false;
            }

            @Override
            public InetSocketAddress peer(int slot) {
                return peer;
            }

            @Override
            public void copy(int slot, byte[] into) {
                buffer.get(0, into, 0, Math.min(length, into.length));
            }
        };
    }

    @Override
    public Writer newWriter() {
        throw new UnsupportedOperationException("the JDK path sends each datagram at once");
    }

    @Override
    public void send(byte[] datagram, int offset, int length, InetSocketAddress to) throws IOException {
        channel.send(ByteBuffer.wrap(datagram, offset, length), to);
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing is best effort; the receive threads see the channel closed either way
        }
    }
}
