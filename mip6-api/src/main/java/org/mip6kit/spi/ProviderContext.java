package org.mip6kit.spi;

import java.time.Clock;

import org.mip6kit.spi.net.ProviderNetwork;
import org.mip6kit.wire.MobilityHeaderCodec;

/**
 * What the engine gives a provider when it creates the provider's security objects. All
 * members are thread-safe and valid until the provider is closed. {@link StandardProviderContext}
 * is the implementation the engine, the provider kit and embedders use.
 */
public interface ProviderContext {

    /** Which side the provider is being created for. */
    enum Role { MOBILE_NODE, HOME_AGENT }

    Role role();

    /** The only clock a provider may use (timestamps, lifetimes, replay windows). */
    Clock clock();

    /** The only way a provider may run something later or elsewhere. */
    Scheduler scheduler();

    /**
     * The Mobility Header codec with the provider's own {@link SecurityProviderFactory#optionCodecs()}
     * registered: use it to encode in {@link SignallingPath#send}.
     */
    MobilityHeaderCodec codec();

    /** Where provider events go. */
    EventSink events();

    /**
     * The home agent's home-address book (draft §6.3). On the mobile node it holds no
     * addresses and every change fails with {@link HomeAddressException}.
     */
    HomeAddressBook homeAddresses();

    /**
     * The only way a provider may open sockets of its own (UDP endpoints, the raw Mobility
     * Header socket, TCP). Real sockets in the daemons; an in-memory network in the provider
     * kit; {@link ProviderNetwork#NONE} when the embedder gave none.
     */
    ProviderNetwork network();
}
