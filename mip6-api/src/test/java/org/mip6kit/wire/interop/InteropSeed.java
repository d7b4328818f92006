package org.mip6kit.wire.interop;

import java.security.SecureRandom;

/**
 * The seed of a randomised interoperability run: fresh from {@link SecureRandom} each run, or
 * the value of the system property {@value #PROPERTY} to replay a failure. Always printed, and
 * repeated in every failure message by the tests.
 */
final class InteropSeed {

    static final String PROPERTY = "mip6kit.interop.seed";

    private InteropSeed() {
    }

    static long choose(String testName) {
        String fixed = System.getProperty(PROPERTY);
        long seed = fixed != null && !fixed.isBlank()
                ? Long.parseLong(fixed.trim())
                : new SecureRandom().nextLong() & Long.MAX_VALUE;
        System.out.println(testName + " seed " + seed + " (replay with -D" + PROPERTY + "=" + seed + ")");
        return seed;
    }

    static String replayHint(long seed) {
        return "seed " + seed + " (replay with -D" + PROPERTY + "=" + seed + ")";
    }
}
