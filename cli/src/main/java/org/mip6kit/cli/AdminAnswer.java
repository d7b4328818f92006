package org.mip6kit.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A daemon's answer to an admin command ({@code ok} removed), or the exit status to return after
 * the reason was printed: what {@link MnAdminTarget#ask} and {@link HaAdminTarget#ask} give.
 */
record AdminAnswer(ObjectNode json, int exitStatus) {
    boolean received() {
        return json != null;
    }
}
