package org.mip6kit.provider.tls;

import java.util.Arrays;
import java.util.List;

import org.mip6kit.provider.tls.protect.Suite;

/** The configuration's view of RFC 6618's suites (§5.6.5), by their RFC names. */
final class Suites {

    /** When none is configured: encryption, so that confidentiality is declared; NULL_SHA only when asked for. */
    static final List<String> DEFAULT = List.of(Suite.AES_128_CBC_SHA.rfcName());
    static final List<String> KNOWN = Arrays.stream(Suite.values()).map(Suite::rfcName).toList();

    private Suites() {
    }

    static boolean known(String name) {
        try {
            Suite.parse(name);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    static boolean encrypts(String name) {
        return Suite.parse(name).confidentiality();
    }

    static Suite parse(String name) {
        return Suite.parse(name);
    }
}
