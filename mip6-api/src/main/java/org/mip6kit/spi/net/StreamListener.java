package org.mip6kit.spi.net;

import java.net.InetSocketAddress;

/** A listening TCP socket ({@link ProviderNetwork#listenTcp}). */
public interface StreamListener extends AutoCloseable {

    /** The bound address and port (the real port when 0 was asked for). */
    InetSocketAddress localAddress();

    /** Stops accepting; connections already accepted stay open. Idempotent; never throws. */
    @Override
    void close();
}
