package org.mip6kit.wire;

import java.util.AbstractSet;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.Set;
import java.util.function.ToIntFunction;

/**
 * Maps a flags field to an immutable {@link EnumSet} view and back. Every combination is
 * built once, so decoding a flags field allocates nothing.
 */
final class FlagTable<E extends Enum<E>> {

    private final E[] flags;
    private final int[] masks;
    private final Set<E>[] sets;

    @SuppressWarnings("unchecked")
    FlagTable(Class<E> type, ToIntFunction<E> mask) {
        this.flags = type.getEnumConstants();
        this.masks = new int[flags.length];
        for (int f = 0; f < flags.length; f++) {
            masks[f] = mask.applyAsInt(flags[f]);
        }
        this.sets = new Set[1 << flags.length];
        for (int i = 0; i < sets.length; i++) {
            EnumSet<E> s = EnumSet.noneOf(type);
            for (int f = 0; f < flags.length; f++) {
                if ((i & (1 << f)) != 0) {
                    s.add(flags[f]);
                }
            }
            sets[i] = new FlagSet<>(this, s, bitsOf(s));
        }
    }

    /** The set for a field's bits; bits that are no flag are ignored. */
    Set<E> fromBits(int bits) {
        int index = 0;
        for (int f = 0; f < flags.length; f++) {
            if ((bits & masks[f]) != 0) {
                index |= 1 << f;
            }
        }
        return sets[index];
    }

    int toBits(Set<E> set) {
        if (set instanceof FlagSet<?> fs && fs.table == this) {
            return fs.bits;
        }
        return bitsOf(set);
    }

    private int bitsOf(Set<E> set) {
        int bits = 0;
        for (E e : set) {
            bits |= masks[e.ordinal()];
        }
        return bits;
    }

    /** An unmodifiable canonical flag set that knows its own bits. */
    private static final class FlagSet<E extends Enum<E>> extends AbstractSet<E> {
        private final FlagTable<E> table;
        private final EnumSet<E> flags;
        private final int bits;

        FlagSet(FlagTable<E> table, EnumSet<E> flags, int bits) {
            this.table = table;
            this.flags = flags;
            this.bits = bits;
        }

        @Override
        public boolean contains(Object o) {
            return flags.contains(o);
        }

        @Override
        public Iterator<E> iterator() {
            Iterator<E> it = flags.iterator();
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return it.hasNext();
                }

                @Override
                public E next() {
                    return it.next();
                }
            };
        }

        @Override
        public int size() {
            return flags.size();
        }
    }
}
