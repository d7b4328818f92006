package org.mip6kit.spi;

/**
 * What a mobile-node provider may ask of the engine, handed to
 * {@link MobileNodeSecurity#attach} before the first bootstrap. Thread-safe and non-blocking:
 * each call queues work on the engine and returns at once. Calls after the engine closed are
 * ignored. {@code reason} goes to the log and events; it must not carry secrets.
 */
public interface MobileNodeHandle {

    /**
     * Run {@link MobileNodeSecurity#bootstrap} again, then register: the security association
     * is about to end (RFC 6618 SA validity), the Home Agent Controller or key-management
     * daemon restarted, a new virtual IP was leased, or the home agent answered with status 176
     * on the provider's own channel. The engine closes the current {@link SignallingPath}, takes
     * the new {@link BootstrapResult} (its endpoints replace the old ones), asks for a new path
     * with {@link MobileNodeSecurity#path}, and sends a Binding Update. Several calls while one
     * re-bootstrap runs are merged into it; the engine starts at most one re-bootstrap per
     * second, so a peer cannot make it loop.
     */
    void rebootstrap(String reason);

    /**
     * Send a Binding Update now, with the current care-of address and a fresh sequence number,
     * as if the refresh time had come (e.g. the provider re-keyed and wants the home agent to
     * see the new SA). Ignored while not registered or while a Binding Update is outstanding.
     */
    void refreshNow(String reason);

    /**
     * The provider cannot protect signalling any more and will not recover by itself (its
     * credentials were revoked, its daemon is gone for good). The engine stops registering,
     * fails what waits on it with this reason, reports it, and sends nothing further through
     * the provider.
     */
    void failed(String reason);
}
