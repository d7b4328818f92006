package org.mip6kit.provider.tls;

import java.net.InetSocketAddress;
import java.util.List;

import org.mip6kit.spi.ProviderContext;
import org.mip6kit.spi.SecurityProviderException;

/** The Home Agent Controller (placeholder while it is being written). */
final class HacServer implements AutoCloseable {

    static HacServer start(ProviderContext context, Rfc6618HomeAgentConfig config, List<InetSocketAddress> advertised,
                           SaTable associations) {
        throw new SecurityProviderException("the Home Agent Controller is not written yet");
    }

    @Override
    public void close() {
    }
}
