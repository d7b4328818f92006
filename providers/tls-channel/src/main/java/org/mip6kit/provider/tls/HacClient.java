package org.mip6kit.provider.tls;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.mip6kit.spi.BootstrapRequest;
import org.mip6kit.spi.ProviderContext;
import org.mip6kit.spi.SecurityProviderException;

/** The mobile node's RFC 6618 exchange with its Home Agent Controller (placeholder while it is being written). */
final class HacClient {

    private HacClient() {
    }

    static CompletionStage<Rfc6618MobileNode.Provisioning> bootstrap(ProviderContext context,
                                                                     Rfc6618MobileNodeConfig config,
                                                                     BootstrapRequest want) {
        return CompletableFuture.failedFuture(new SecurityProviderException("not written yet"));
    }
}
