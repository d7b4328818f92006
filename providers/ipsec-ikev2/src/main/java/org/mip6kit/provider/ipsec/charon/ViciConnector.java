package org.mip6kit.provider.ipsec.charon;

import java.io.IOException;
import java.nio.file.Path;

import org.mip6kit.provider.ipsec.vici.Vici;
import org.mip6kit.provider.ipsec.vici.ViciClient;

/**
 * Opens a VICI connection to the charon listening on a socket path. The provider's default is
 * {@link #UNIX_SOCKET}, a {@link ViciClient} on the real unix-domain socket; tests give a simulated
 * charon. May block briefly (a local connect).
 */
@FunctionalInterface
public interface ViciConnector {

    /** charon's socket, through a {@link ViciClient} with a daemon reader thread. */
    ViciConnector UNIX_SOCKET = ViciClient::connect;

    /** @throws IOException if nobody listens there (charon not running, no vici plugin, no permission) */
    Vici connect(Path socket) throws IOException;
}
