package org.mip6kit.provider.ipsec.sim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.mip6kit.provider.ipsec.vici.ViciMessage;
import org.mip6kit.provider.ipsec.vici.ViciValue;

/**
 * What the simulated charon keeps of a {@code load-conn}: the keys charon 5.9.8's
 * {@code vici_config.c} accepts, in the element kind it accepts them (a key/value or a list; the
 * other kind is an "unknown option" there too), with the values the simulation uses. Errors carry
 * charon's own {@code errmsg} texts.
 */
final class SimulatedConfig {

    private SimulatedConfig() {
    }

    /** A {@code load-conn} charon refuses, with its errmsg. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String errmsg) {
            super(errmsg);
        }
    }

    private static final Set<String> PEER_KV = Set.of("version", "aggressive", "pull", "dscp", "encap", "mobike",
            "dpd_delay", "dpd_timeout", "fragmentation", "childless", "send_certreq", "send_cert", "keyingtries",
            "unique", "local_port", "remote_port", "reauth_time", "rekey_time", "over_time", "rand_time", "ppk_id",
            "ppk_required", "if_id_in", "if_id_out", "mediation", "mediated_by", "mediation_peer");
    private static final Set<String> PEER_LI = Set.of("local_addrs", "remote_addrs", "proposals", "vips", "pools");
    private static final Set<String> CHILD_KV = Set.of("updown", "hostaccess", "mode", "policies",
            "policies_fwd_out", "replay_window", "rekey_time", "life_time", "rand_time", "rekey_bytes", "life_bytes",
            "rand_bytes", "rekey_packets", "life_packets", "rand_packets", "dpd_action", "start_action",
            "close_action", "ipcomp", "inactivity", "reqid", "mark_in", "mark_in_sa", "mark_out", "set_mark_in",
            "set_mark_out", "tfc_padding", "priority", "interface", "hw_offload", "sha256_96", "copy_df", "copy_ecn",
            "copy_dscp", "if_id_in", "if_id_out", "label", "label_mode");
    private static final Set<String> CHILD_LI = Set.of("ah_proposals", "esp_proposals", "local_ts", "remote_ts");
    private static final Set<String> AUTH_KV = Set.of("auth", "id", "ca_id", "aaa_id", "eap_id", "xauth_id",
            "revocation", "round");
    private static final Set<String> AUTH_LI = Set.of("groups", "cert_policy", "certs", "cacerts", "pubkeys");
    private static final Set<String> BOOLEANS = Set.of("yes", "no", "true", "false", "enabled", "disabled", "1",
            "0");
    private static final Set<String> MODES = Set.of("tunnel", "transport", "transport_proxy", "beet", "pass",
            "drop");
    private static final Set<String> START_ACTIONS = Set.of("none", "clear", "trap", "route", "start", "restart",
            "trap|start", "route|start");

    /** charon's %any identity. */
    static final String ANY = "%any";

    /**
     * One {@code local} or {@code remote} section.
     *
     * @param auth the auth method ({@code psk}, ...), empty if not given
     * @param id the identity, empty if not given (local: charon uses the IKE address; remote: %any)
     */
    record Auth(String auth, Optional<String> id) {
    }

    /**
     * One child of a connection; {@code reqid} 0 when charon allocates it, {@code policies}
     * false when charon installs no policies ({@code policies = no}).
     */
    record Child(String name, String mode, List<String> localTs, List<String> remoteTs, List<String> espProposals,
                 String startAction, int reqid, boolean policies) {
        boolean starts() {
            return startAction.contains("start");
        }
    }

    /** One loaded connection. */
    record Conn(String name, String version, List<String> localAddrs, List<String> remoteAddrs, List<String> vips,
                List<String> pools, boolean mobike, List<String> proposals, Auth local, Auth remote,
                Map<String, Child> children, ViciMessage body) {

        /** The remote identity the connection accepts: %any when not given. */
        String remoteId() {
            return remote.id().orElse(ANY);
        }
    }

    /** Parses one connection section of {@code load-conn}. */
    static Conn parse(String name, ViciMessage body) throws Refused {
        Map<String, String> kv = new LinkedHashMap<>();
        Map<String, List<String>> li = new LinkedHashMap<>();
        Auth local = null;
        Auth remote = null;
        Map<String, Child> children = new LinkedHashMap<>();
        for (ViciMessage.Element e : body.elements()) {
            if (e instanceof ViciMessage.KeyValue k) {
                known(PEER_KV, k.name());
                kv.put(k.name(), k.value().text());
            } else if (e instanceof ViciMessage.ValueList l) {
                known(PEER_LI, l.name());
                li.put(l.name(), texts(l.items()));
            } else if (e instanceof ViciMessage.Section s) {
                String n = s.name().toLowerCase(Locale.ROOT);
                if (n.equals("children")) {
                    for (ViciMessage.Element c : s.body().elements()) {
                        if (c instanceof ViciMessage.Section cs) {
                            children.put(cs.name(), child(cs.name(), cs.body()));
                        }
                    }
                } else if (n.startsWith("local")) {
                    Auth a = auth(s.body());
                    local = local == null ? a : local;
                } else if (n.startsWith("remote")) {
                    Auth a = auth(s.body());
                    remote = remote == null ? a : remote;
                } else {
                    throw new Refused("invalid section: " + s.name());
                }
            }
        }
        String version = kv.getOrDefault("version", "0");
        if (!Set.of("0", "1", "2").contains(version)) {
            throw invalid("version");
        }
        boolean mobike = bool(kv, "mobike", true);
        return new Conn(name, version, li.getOrDefault("local_addrs", List.of()),
                li.getOrDefault("remote_addrs", List.of()), li.getOrDefault("vips", List.of()),
                li.getOrDefault("pools", List.of()), mobike, li.getOrDefault("proposals", List.of()),
                local == null ? new Auth("", Optional.empty()) : local,
                remote == null ? new Auth("", Optional.empty()) : remote, children, body);
    }

    private static Child child(String name, ViciMessage body) throws Refused {
        Map<String, String> kv = new LinkedHashMap<>();
        Map<String, List<String>> li = new LinkedHashMap<>();
        for (ViciMessage.Element e : body.elements()) {
            if (e instanceof ViciMessage.KeyValue k) {
                known(CHILD_KV, k.name());
                kv.put(k.name(), k.value().text());
            } else if (e instanceof ViciMessage.ValueList l) {
                known(CHILD_LI, l.name());
                li.put(l.name(), texts(l.items()));
            } else {
                throw new Refused("invalid section: " + e.name());
            }
        }
        String mode = kv.getOrDefault("mode", "tunnel").toLowerCase(Locale.ROOT);
        if (!MODES.contains(mode)) {
            throw invalid("mode");
        }
        String start = kv.getOrDefault("start_action", "none").toLowerCase(Locale.ROOT);
        if (!START_ACTIONS.contains(start)) {
            throw invalid("start_action");
        }
        int reqid;
        try {
            reqid = Integer.parseInt(kv.getOrDefault("reqid", "0").trim());
        } catch (NumberFormatException e) {
            throw invalid("reqid");
        }
        if (reqid < 0) {
            throw invalid("reqid");
        }
        return new Child(name, mode, li.getOrDefault("local_ts", List.of("dynamic")),
                li.getOrDefault("remote_ts", List.of("dynamic")), li.getOrDefault("esp_proposals", List.of()), start,
                reqid, bool(kv, "policies", true));
    }

    private static Auth auth(ViciMessage body) throws Refused {
        String auth = "";
        Optional<String> id = Optional.empty();
        for (ViciMessage.Element e : body.elements()) {
            if (e instanceof ViciMessage.KeyValue k) {
                known(AUTH_KV, k.name());
                if (k.name().equals("auth")) {
                    auth = k.value().text().toLowerCase(Locale.ROOT);
                } else if (k.name().equals("id")) {
                    id = Optional.of(k.value().text().trim());
                }
            } else if (e instanceof ViciMessage.ValueList l) {
                known(AUTH_LI, l.name());
            } else {
                throw new Refused("invalid section: " + e.name());
            }
        }
        return new Auth(auth, id);
    }

    private static boolean bool(Map<String, String> kv, String key, boolean otherwise) throws Refused {
        String v = kv.get(key);
        if (v == null) {
            return otherwise;
        }
        v = v.toLowerCase(Locale.ROOT);
        if (!BOOLEANS.contains(v)) {
            throw invalid(key);
        }
        return v.equals("yes") || v.equals("true") || v.equals("enabled") || v.equals("1");
    }

    private static void known(Set<String> keys, String name) throws Refused {
        if (!keys.contains(name)) {
            throw new Refused("unknown option: " + name + ", config discarded");
        }
    }

    private static Refused invalid(String key) {
        return new Refused("invalid value for: " + key + ", config discarded");
    }

    static List<String> texts(List<ViciValue> values) {
        List<String> out = new ArrayList<>();
        for (ViciValue v : values) {
            out.add(v.text());
        }
        return out;
    }
}
