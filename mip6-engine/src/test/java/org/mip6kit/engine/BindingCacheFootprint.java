package org.mip6kit.engine;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Optional;

import org.mip6kit.spi.Identity;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;
import org.mip6kit.wire.SequenceNumber;

/**
 * Prints the binding cache's heap per binding; a measurement, not a test (nothing asserts).
 * Run one size per JVM, with the heap the home agent gets:
 * <pre>
 * java -Xms4g -Xmx4g -cp mip6-engine/target/classes:mip6-engine/target/test-classes:mip6-api/target/classes \
 *     org.mip6kit.engine.BindingCacheFootprint 1000000 [none|ipv4|shared-ipv6]
 * </pre>
 * The cache is built as the engine builds it (maximum 2N + 1024, the load generator's, and
 * 1024 rows to start), the identities exist before the first measurement (they are the
 * provider's), and each binding is one put of a home-registration record. Heap is
 * {@link MemoryMXBean} used after three {@code System.gc()} calls.
 */
final class BindingCacheFootprint {

    private BindingCacheFootprint() {
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        String outer = args.length > 1 ? args[1] : "none";
        Identity[] identities = new Identity[n];
        for (int i = 0; i < n; i++) {
            identities[i] = Identity.nai("mn" + i + "@bench.example");
        }
        InetSocketAddress sharedIpv6 = new InetSocketAddress("2001:db8::64", 4500);
        long expires = Instant.parse("2026-11-27T12:00:00Z").toEpochMilli();

        long before = usedAfterGc();
        BindingCache cache = new BindingCache(2 * n + 1024, 1024);
        for (int i = 0; i < n; i++) {
            Optional<InetSocketAddress> peer = switch (outer) {
                case "ipv4" -> Optional.of(new InetSocketAddress("198.51.100." + (i & 0xFF), 1024 + (i & 0x7FFF)));
                case "shared-ipv6" -> Optional.of(sharedIpv6);
                default -> Optional.empty();
            };
            cache.put(new BindingRecord(BindingRecord.State.BOUND, Ipv6Address.of(0x20010db800010000L, 0x1_0000_0000L + i),
                    Ipv6Address.of(0x20010db800020000L, i + 1), SequenceNumber.of(1), Lifetime.ofUnits(900),
                    false, false, identities[i], Instant.ofEpochMilli(expires + i), peer));
        }
        long after = usedAfterGc();
        System.out.printf("bindings=%d outer=%s rowCapacity=%d heapDelta=%d bytesPerBinding=%.1f%n", n, outer,
                cache.rowCapacity(), after - before, (after - before) / (double) n);
        if (cache.liveCount() != n || identities.length != n) {
            throw new IllegalStateException("the cache lost bindings");
        }
    }

    private static long usedAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
