package org.mip6kit.daemon;

/**
 * The admin socket could not do what was asked: the server could not bind its socket (another
 * daemon is running on it, the path is too long, the directory is unsafe), a client could not
 * reach a daemon, or a command failed. The message is for the operator and names the socket.
 * A command handler throws it to answer {@code {"ok":false,"error":<message>}}.
 */
public class AdminException extends Exception {

    private static final long serialVersionUID = 1L;

    public AdminException(String message) {
        super(message);
    }

    public AdminException(String message, Throwable cause) {
        super(message, cause);
    }
}
