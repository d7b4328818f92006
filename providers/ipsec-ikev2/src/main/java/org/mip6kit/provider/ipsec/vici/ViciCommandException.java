package org.mip6kit.provider.ipsec.vici;

import java.util.Optional;

/**
 * charon refused a command or an event registration: either it answered {@code CMD_UNKNOWN} /
 * {@code EVENT_UNKNOWN} (no such command or event), or its response carried {@code success = no}
 * with an {@code errmsg} (strongSwan {@code vici/README.md}, e.g. {@code load-conn},
 * {@code initiate}).
 */
public final class ViciCommandException extends ViciException {
    private static final long serialVersionUID = 1L;

    /** Why the command failed. */
    public enum Reason {
        /** charon answered CMD_UNKNOWN: it has no handler for the command. */
        UNKNOWN_COMMAND,
        /** charon answered EVENT_UNKNOWN: it has no event source of that name. */
        UNKNOWN_EVENT,
        /** the response said {@code success = no}. */
        FAILED
    }

    private final String name;
    private final Reason reason;
    private final String errmsg;

    private ViciCommandException(String name, Reason reason, String errmsg, String message) {
        super(message);
        this.name = name;
        this.reason = reason;
        this.errmsg = errmsg;
    }

    static ViciCommandException unknownCommand(String command) {
        return new ViciCommandException(command, Reason.UNKNOWN_COMMAND, null,
                "charon has no VICI command '" + command + "' (CMD_UNKNOWN): check the strongSwan version"
                        + " and that the plugin providing it is loaded");
    }

    static ViciCommandException unknownEvent(String event) {
        return new ViciCommandException(event, Reason.UNKNOWN_EVENT, null,
                "charon has no VICI event '" + event + "' (EVENT_UNKNOWN)");
    }

    static ViciCommandException failed(String command, String errmsg) {
        return new ViciCommandException(command, Reason.FAILED, errmsg,
                "VICI command '" + command + "' failed: "
                        + (errmsg == null ? "(charon sent no errmsg)" : errmsg));
    }

    /** @return the command or event name */
    public String name() {
        return name;
    }

    /** @return why it failed */
    public Reason reason() {
        return reason;
    }

    /** @return charon's {@code errmsg}, if the response carried one */
    public Optional<String> errmsg() {
        return Optional.ofNullable(errmsg);
    }
}
