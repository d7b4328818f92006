package org.mip6kit.daemon;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A command of a daemon's admin socket whose answer is written straight to the connection as
 * it is produced, registered with {@link AdminServer.Builder#streamingCommand}: for answers
 * that may be large (a binding cache listing), so the daemon holds a small part of the answer
 * at a time instead of the whole of it.
 *
 * <p>Two steps. {@link #open} checks the request and may still refuse it with an
 * {@link AdminException} (the client gets {@code {"ok":false,"error":...}}); once it has
 * returned, the server writes {@code {"ok":true} and calls {@link Answer#writeFields} to
 * write the rest of the object. Both run on one of the admin server's threads, possibly
 * concurrently with other commands and with the daemon's own work. The whole request, this
 * answer included, must be written within the server's request deadline
 * ({@link AdminServer.Builder#idleTimeout}); a client that reads too slowly is cut off.
 */
@FunctionalInterface
public interface AdminStreamingCommand {

    /**
     * Checks one request and returns what writes its answer.
     *
     * @param request the whole request object as the client sent it
     * @throws AdminException to answer {@code {"ok":false,"error":<message>}} instead; the
     *         message reaches the client verbatim, so it must not hold secrets
     */
    Answer open(ObjectNode request) throws AdminException;

    /** Writes the fields of one answer. */
    @FunctionalInterface
    interface Answer {

        /**
         * Writes the answer's fields (after the server's {@code "ok": true}) into the open
         * object; must not end it, nor write a field named {@code ok}.
         *
         * @throws IOException if the connection fails or the client is too slow; the server
         *         then closes the connection (the client sees no complete answer). A
         *         {@code RuntimeException} does the same and is logged as an internal error.
         */
        void writeFields(JsonGenerator out) throws IOException;
    }
}
