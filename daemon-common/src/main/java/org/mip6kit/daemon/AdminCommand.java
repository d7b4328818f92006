package org.mip6kit.daemon;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One command of a daemon's admin socket, registered with {@link AdminServer.Builder#command}.
 * Called on one of the admin server's threads, possibly concurrently with other commands and
 * with the daemon's own work: read state through thread-safe snapshots.
 */
@FunctionalInterface
public interface AdminCommand {

    /**
     * Answers one request.
     *
     * @param request the whole request object as the client sent it (it has a {@code command}
     *        field naming this command; other fields are the command's arguments)
     * @param reply an empty object to fill with the answer's fields; the server adds
     *        {@code "ok": true} in front of them
     * @throws AdminException to answer {@code {"ok":false,"error":<message>}} instead; the
     *         message reaches the client verbatim, so it must not hold secrets
     */
    void handle(ObjectNode request, ObjectNode reply) throws AdminException;
}
