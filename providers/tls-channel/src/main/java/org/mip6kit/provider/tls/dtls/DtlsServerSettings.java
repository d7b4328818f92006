package org.mip6kit.provider.tls.dtls;

import java.time.Duration;

/**
 * Limits of a {@link DtlsServerChannel}. Immutable; build with {@link #builder()}, whose defaults
 * suit a home agent serving thousands of mobile nodes on a small machine.
 *
 * @param handshakeThreads threads that run handshakes (each in-progress handshake holds one while it waits), 1..64
 * @param maxHandshakes handshakes in progress or waiting for a thread; a verified ClientHello beyond it is dropped, 1..4096
 * @param maxAssociations associations (established or handshaking); beyond it new handshakes are dropped, 1..10^7
 * @param queueCapacity datagrams waiting per handshaking association, 1..1024
 * @param handshakeTimeout how long one handshake may take (Bouncy Castle's own timer), 1 s .. 10 min
 * @param idleTimeout an association without an authenticated record for this long is closed, 1 s .. 30 days
 * @param connectionIdLength octets of each connection ID the server issues (RFC 9146), 4..32
 */
public record DtlsServerSettings(int handshakeThreads, int maxHandshakes, int maxAssociations, int queueCapacity,
        Duration handshakeTimeout, Duration idleTimeout, int connectionIdLength) {

    public DtlsServerSettings {
        check(handshakeThreads, 1, 64, "handshakeThreads");
        check(maxHandshakes, 1, 4096, "maxHandshakes");
        check(maxAssociations, 1, 10_000_000, "maxAssociations");
        check(queueCapacity, 1, 1024, "queueCapacity");
        check(connectionIdLength, 4, 32, "connectionIdLength");
        if (handshakeTimeout == null || handshakeTimeout.compareTo(Duration.ofSeconds(1)) < 0
                || handshakeTimeout.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException("handshakeTimeout must be 1 s .. 10 min: " + handshakeTimeout);
        }
        if (idleTimeout == null || idleTimeout.compareTo(Duration.ofSeconds(1)) < 0
                || idleTimeout.compareTo(Duration.ofDays(30)) > 0) {
            throw new IllegalArgumentException("idleTimeout must be 1 s .. 30 days: " + idleTimeout);
        }
    }

    private static void check(int v, int min, int max, String name) {
        if (v < min || v > max) {
            throw new IllegalArgumentException(name + " must be " + min + ".." + max + ": " + v);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Defaults: 4 threads, 64 handshakes, 100,000 associations, 16 queued, 30 s handshake, 1 h idle, 8-octet CIDs. */
    public static final class Builder {
        private int handshakeThreads = 4;
        private int maxHandshakes = 64;
        private int maxAssociations = 100_000;
        private int queueCapacity = 16;
        private Duration handshakeTimeout = Duration.ofSeconds(30);
        private Duration idleTimeout = Duration.ofHours(1);
        private int connectionIdLength = 8;

        public Builder handshakeThreads(int v) {
            handshakeThreads = v;
            return this;
        }

        public Builder maxHandshakes(int v) {
            maxHandshakes = v;
            return this;
        }

        public Builder maxAssociations(int v) {
            maxAssociations = v;
            return this;
        }

        public Builder queueCapacity(int v) {
            queueCapacity = v;
            return this;
        }

        public Builder handshakeTimeout(Duration v) {
            handshakeTimeout = v;
            return this;
        }

        public Builder idleTimeout(Duration v) {
            idleTimeout = v;
            return this;
        }

        public Builder connectionIdLength(int v) {
            connectionIdLength = v;
            return this;
        }

        public DtlsServerSettings build() {
            return new DtlsServerSettings(handshakeThreads, maxHandshakes, maxAssociations, queueCapacity,
                    handshakeTimeout, idleTimeout, connectionIdLength);
        }
    }
}
