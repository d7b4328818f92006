package org.mip6kit.provider.ipsec.vici;

import java.util.concurrent.CompletionStage;

/** A consumer's registration for one VICI event ({@link Vici#register}). */
public interface ViciSubscription {

    /** @return the event name */
    String event();

    /** Stops delivery to this consumer; completes when the server confirmed (at once if others remain). */
    CompletionStage<Void> unsubscribe();
}
