package org.mip6kit.wire;

import java.util.function.BiFunction;

/**
 * A table of one-octet code points and their names, shared by the status and type
 * registries. Every code 0..255 maps to exactly one canonical value; codes with no
 * registered name get {@code unassignedName}.
 */
final class CodeTable<T> {

    private final Object[] values = new Object[256];

    CodeTable(String unassignedName, BiFunction<Integer, String, T> factory, Object... codesAndNames) {
        String[] names = new String[256];
        for (int i = 0; i < codesAndNames.length; i += 2) {
            names[(Integer) codesAndNames[i]] = (String) codesAndNames[i + 1];
        }
        for (int code = 0; code < 256; code++) {
            values[code] = factory.apply(code, names[code] != null ? names[code] : unassignedName);
        }
    }

    @SuppressWarnings("unchecked")
    T get(int code) {
        if (code < 0 || code > 255) {
            throw new IllegalArgumentException("code " + code + " outside 0..255");
        }
        return (T) values[code];
    }
}
