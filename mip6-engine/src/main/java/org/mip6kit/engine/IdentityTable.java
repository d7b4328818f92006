package org.mip6kit.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.mip6kit.spi.Identity;

/**
 * Interns identities as small integers with reference counts, so a binding cache entry holds
 * an {@code int} instead of a reference and one {@link Identity} object is shared by all the
 * entries of a node. Not thread-safe: guarded by its owner.
 */
final class IdentityTable {

    private final Map<Identity, Integer> ids = new HashMap<>();
    private final List<Identity> byId = new ArrayList<>();
    private final List<Integer> refs = new ArrayList<>();
    private final ArrayList<Integer> free = new ArrayList<>();

    int acquire(Identity identity) {
        Integer id = ids.get(identity);
        if (id != null) {
            refs.set(id, refs.get(id) + 1);
            return id;
        }
        int newId;
        if (!free.isEmpty()) {
            newId = free.remove(free.size() - 1);
            byId.set(newId, identity);
            refs.set(newId, 1);
        } else {
            newId = byId.size();
            byId.add(identity);
            refs.add(1);
        }
        ids.put(identity, newId);
        return newId;
    }

    void release(int id) {
        int r = refs.get(id) - 1;
        if (r > 0) {
            refs.set(id, r);
            return;
        }
        ids.remove(byId.get(id));
        byId.set(id, null);
        refs.set(id, 0);
        free.add(id);
    }

    Identity get(int id) {
        return byId.get(id);
    }

    int size() {
        return ids.size();
    }
}
