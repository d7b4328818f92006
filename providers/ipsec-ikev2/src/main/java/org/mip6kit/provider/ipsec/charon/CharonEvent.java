package org.mip6kit.provider.ipsec.charon;

import java.util.List;

import org.mip6kit.provider.ipsec.vici.ViciMessage;

/**
 * The charon events the provider follows (strongSwan {@code vici/README.md}, "Server-issued
 * events"), parsed from their VICI messages. {@code ike-updown} and {@code child-updown} carry
 * {@code up = yes} only when the SA came up; their body is {@code list-sa}-shaped.
 * {@code ike-update} announces new IKE endpoints (MOBIKE) with {@code local-host},
 * {@code remote-host} (and ports) beside the SA section, which still lists the old ones
 * ({@code vici_query.c}, {@code ike_update}).
 */
public sealed interface CharonEvent {

    /** The event names to register for, in order. */
    List<String> NAMES = List.of("ike-updown", "child-updown", "ike-update", "ike-rekey", "child-rekey", "log");

    /** An IKE SA came up ({@code up}) or went down. */
    record IkeUpDown(boolean up, IkeSa sa) implements CharonEvent {}

    /** A CHILD SA of {@code sa} came up or went down. */
    record ChildUpDown(boolean up, IkeSa sa) implements CharonEvent {}

    /** The IKE SA's endpoints change to {@code newLocalHost}/{@code newRemoteHost} (MOBIKE, NAT). */
    record IkeUpdate(IkeSa sa, String newLocalHost, String newRemoteHost) implements CharonEvent {}

    /** An IKE or CHILD SA was rekeyed. */
    record Rekey(String event, List<IkeSa> sas) implements CharonEvent {}

    /** A log line (only when registered and charon's log level lets it through). */
    record Log(String group, String level, String text) implements CharonEvent {}

    /** Parses event {@code name}. */
    static CharonEvent parse(String name, ViciMessage m) {
        boolean up = m.text("up").filter("yes"::equals).isPresent();
        List<IkeSa> sas = IkeSa.allIn(m);
        IkeSa first = sas.isEmpty() ? new IkeSa("", "", "", "", "", "", "", List.of(), List.of(), List.of())
                : sas.get(0);
        return switch (name) {
            case "ike-updown" -> new IkeUpDown(up, first);
            case "child-updown" -> new ChildUpDown(up, first);
            case "ike-update" -> new IkeUpdate(first, m.text("local-host").orElse(first.localHost()),
                    m.text("remote-host").orElse(first.remoteHost()));
            case "ike-rekey", "child-rekey" -> new Rekey(name, sas);
            default -> new Log(m.text("group").orElse(""), m.text("level").orElse(""), m.text("msg").orElse(""));
        };
    }
}
