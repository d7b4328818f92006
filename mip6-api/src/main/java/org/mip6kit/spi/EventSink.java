package org.mip6kit.spi;

/** Where a provider reports {@link ProviderEvent}s. Thread-safe, non-blocking, never throws. */
@FunctionalInterface
public interface EventSink {

    void emit(ProviderEvent event);
}
