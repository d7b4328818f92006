package org.mip6kit.cli;

/**
 * A step of {@code mip6kit demo} did not happen as the protocol says it should, or could not be
 * set up. The message says which step and what was seen; the demo prints it and exits 1.
 */
final class DemoFailure extends Exception {

    private static final long serialVersionUID = 1L;

    DemoFailure(String message) {
        super(message);
    }

    DemoFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
