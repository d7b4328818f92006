package org.mip6kit.ha.state;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The home agent's state store holds something that is not a torn last write: a damaged entry
 * in the middle of the journal, a damaged snapshot, a file of another format. The home agent
 * does not start (starting empty would silently drop every binding); the message names the
 * file and the offset, and {@code docs/errors.md#corrupt-state-store} says what to do.
 */
public final class StateStoreCorruptException extends IOException {

    private static final long serialVersionUID = 1L;

    private final Path file;
    private final long offset;

    StateStoreCorruptException(Path file, long offset, String problem) {
        super("the state store file " + file + " is corrupt at offset " + offset + ": " + problem
                + " (the home agent does not start on a damaged store; see docs/errors.md#corrupt-state-store)");
        this.file = file;
        this.offset = offset;
    }

    /** The damaged file. */
    public Path file() {
        return file;
    }

    /** Where in it the damage starts. */
    public long offset() {
        return offset;
    }
}
