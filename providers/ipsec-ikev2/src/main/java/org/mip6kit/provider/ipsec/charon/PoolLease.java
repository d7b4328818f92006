package org.mip6kit.provider.ipsec.charon;

import java.util.ArrayList;
import java.util.List;

import org.mip6kit.provider.ipsec.vici.ViciMessage;

/**
 * One lease of a virtual-IP pool, from {@code get-pools} with {@code leases = yes}
 * ({@code <pool> { base, size, online, offline, leases { <n> { address, identity, status } } } }):
 * which identity holds which address (draft §6.3: the home agent learns the assignment).
 *
 * @param pool the pool's name
 * @param address the leased address, as charon wrote it
 * @param identity the holder's identity (charon's canonical text)
 * @param online whether the holder's IKE SA is up ({@code status = online}); an offline lease is
 *        remembered by charon for a reconnecting peer but held by nobody
 */
public record PoolLease(String pool, String address, String identity, boolean online) {

    /** Every lease in a {@code get-pools} response. */
    public static List<PoolLease> allIn(ViciMessage response) {
        List<PoolLease> out = new ArrayList<>();
        for (ViciMessage.Element e : response.elements()) {
            if (e instanceof ViciMessage.Section pool) {
                pool.body().section("leases").ifPresent(leases -> {
                    for (ViciMessage.Element l : leases.elements()) {
                        if (l instanceof ViciMessage.Section lease) {
                            ViciMessage b = lease.body();
                            out.add(new PoolLease(pool.name(), b.text("address").orElse(""),
                                    b.text("identity").orElse(""), "online".equals(b.text("status").orElse(""))));
                        }
                    }
                });
            }
        }
        return out;
    }
}
