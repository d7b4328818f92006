package org.mip6kit.engine;

/** Receives {@link EngineEvent}s. Called on engine threads: return quickly, never throw. */
@FunctionalInterface
public interface EngineEventListener {

    void onEvent(EngineEvent event);
}
