package org.mip6kit.daemon;

/**
 * A daemon whose configuration is fine could not start: its UDP port or admin socket is in
 * use, the pcap file cannot be written, the provider's path failed to start. The message is
 * for the operator. Exit status {@link ExitStatus#FAILURE}.
 */
public class DaemonStartException extends Exception {

    private static final long serialVersionUID = 1L;

    public DaemonStartException(String message) {
        super(message);
    }

    public DaemonStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
