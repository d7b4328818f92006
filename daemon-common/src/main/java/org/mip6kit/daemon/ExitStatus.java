package org.mip6kit.daemon;

/** The exit statuses of {@code mip6kit ha run} and {@code mip6kit mn run}. */
public final class ExitStatus {

    /** Stopped cleanly (SIGTERM, SIGINT). */
    public static final int OK = 0;
    /** Could not start or stopped on a failure (port or admin socket in use, I/O error). */
    public static final int FAILURE = 1;
    /** The configuration is wrong or names an unknown provider; the message says where. */
    public static final int BAD_CONFIGURATION = 2;

    private ExitStatus() {
    }
}
