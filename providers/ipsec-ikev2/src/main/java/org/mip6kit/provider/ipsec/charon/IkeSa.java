package org.mip6kit.provider.ipsec.charon;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.mip6kit.provider.ipsec.vici.ViciMessage;
import org.mip6kit.provider.ipsec.vici.ViciValue;

/**
 * One IKE SA as charon describes it in {@code list-sa}, {@code ike-updown}, {@code ike-update}
 * and {@code ike-rekey} (strongSwan {@code vici/README.md}, "list-sa"):
 *
 * <pre>
 *   &lt;connection name&gt; {
 *       uniqueid, state, local-host, local-port, local-id, remote-host, remote-port, remote-id,
 *       local-vips [ ... ], remote-vips [ ... ],
 *       child-sas { &lt;child&gt; { name, uniqueid, reqid, state, mode, local-ts [..], remote-ts [..] } }
 *   }
 * </pre>
 *
 * Identities are charon's canonical text ({@code local-id}/{@code remote-id}): the same string on
 * both sides of an SA, which is why the provider uses it as the {@link org.mip6kit.spi.Identity}
 * of a node. Values are taken as charon wrote them; what is absent is empty.
 *
 * @param name the connection's name (the section's name)
 * @param uniqueId charon's unique id of the IKE SA (for {@code terminate ike-id})
 * @param state e.g. {@code ESTABLISHED}, {@code DELETING}
 * @param localHost local IKE address, as text
 * @param remoteHost remote IKE address, as text
 * @param localId local identity
 * @param remoteId remote identity
 * @param localVips virtual IPs assigned to this end (the mobile node's home address)
 * @param remoteVips virtual IPs assigned to the peer (on the home agent: the node's home address)
 * @param children the CHILD SAs
 */
public record IkeSa(String name, String uniqueId, String state, String localHost, String remoteHost, String localId,
                    String remoteId, List<String> localVips, List<String> remoteVips, List<ChildSa> children) {

    public IkeSa {
        localVips = List.copyOf(localVips);
        remoteVips = List.copyOf(remoteVips);
        children = List.copyOf(children);
    }

    /** Whether charon calls it established. */
    public boolean established() {
        return "ESTABLISHED".equals(state);
    }

    /** Every IKE SA in a message whose top-level sections are connections (list-sa, ike-updown, ...). */
    public static List<IkeSa> allIn(ViciMessage message) {
        List<IkeSa> out = new ArrayList<>();
        for (ViciMessage.Element e : message.elements()) {
            if (e instanceof ViciMessage.Section s) {
                out.add(of(s.name(), s.body()));
            }
        }
        return out;
    }

    /** The IKE SA described by {@code body}, the section named {@code name}. */
    public static IkeSa of(String name, ViciMessage body) {
        List<ChildSa> children = new ArrayList<>();
        Optional<ViciMessage> childSas = body.section("child-sas");
        if (childSas.isPresent()) {
            for (ViciMessage.Element e : childSas.get().elements()) {
                if (e instanceof ViciMessage.Section s) {
                    ViciMessage c = s.body();
                    children.add(new ChildSa(c.text("name").orElse(s.name()), c.text("uniqueid").orElse(""),
                            c.text("reqid").orElse(""), c.text("state").orElse(""), c.text("mode").orElse(""),
                            texts(c, "local-ts"), texts(c, "remote-ts")));
                }
            }
        }
        return new IkeSa(name, body.text("uniqueid").orElse(""), body.text("state").orElse(""),
                body.text("local-host").orElse(""), body.text("remote-host").orElse(""),
                body.text("local-id").orElse(""), body.text("remote-id").orElse(""),
                texts(body, "local-vips"), texts(body, "remote-vips"), children);
    }

    static List<String> texts(ViciMessage m, String list) {
        return m.list(list).stream().map(ViciValue::text).toList();
    }

    /**
     * One CHILD SA of an IKE SA.
     *
     * @param name the child's configured name
     * @param uniqueId charon's unique id
     * @param reqid the reqid binding it to XFRM policies
     * @param state e.g. {@code INSTALLED}
     * @param mode {@code TUNNEL} or {@code TRANSPORT}
     * @param localTs local traffic selectors
     * @param remoteTs remote traffic selectors
     */
    public record ChildSa(String name, String uniqueId, String reqid, String state, String mode, List<String> localTs,
                          List<String> remoteTs) {
        public ChildSa {
            localTs = List.copyOf(localTs);
            remoteTs = List.copyOf(remoteTs);
        }

        /** Whether charon installed it. */
        public boolean installed() {
            return "INSTALLED".equals(state);
        }
    }
}
