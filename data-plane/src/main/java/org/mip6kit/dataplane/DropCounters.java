package org.mip6kit.dataplane;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** Dropped packets by {@link DropReason}; thread-safe, never decreasing. */
public final class DropCounters {

    private final EnumMap<DropReason, LongAdder> counts = new EnumMap<>(DropReason.class);

    public DropCounters() {
        for (DropReason r : DropReason.values()) {
            counts.put(r, new LongAdder());
        }
    }

    /** Counts one dropped packet. */
    public void count(DropReason reason) {
        counts.get(reason).increment();
    }

    /** How many packets were dropped for {@code reason}. */
    public long get(DropReason reason) {
        return counts.get(reason).sum();
    }

    /** Every counter by its stable name, {@code dropped-<reason>}, in declaration order. */
    public Map<String, Long> asMap() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (DropReason r : DropReason.values()) {
            m.put("dropped-" + r.counterName(), counts.get(r).sum());
        }
        return m;
    }
}
