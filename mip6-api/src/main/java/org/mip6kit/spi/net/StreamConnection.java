package org.mip6kit.spi.net;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;

/**
 * A TCP connection opened or accepted through the {@link ProviderNetwork}. Its streams block:
 * read them on a thread of the provider's own choosing (e.g. a task on
 * {@link org.mip6kit.spi.Scheduler#executor()}), never on an engine or network thread. Closing
 * the connection wakes a blocked read, which then ends with an {@link java.io.IOException} or
 * end of stream.
 */
public interface StreamConnection extends AutoCloseable {

    InputStream input();

    OutputStream output();

    InetSocketAddress remote();

    InetSocketAddress local();

    /** Idempotent; never throws. */
    @Override
    void close();
}
