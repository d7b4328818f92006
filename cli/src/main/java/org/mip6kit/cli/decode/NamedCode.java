package org.mip6kit.cli.decode;

import java.util.LinkedHashMap;
import java.util.Map;

/** The JSON shape of a registry code: {@code {"code": 0, "name": "Binding Update accepted"}}. */
final class NamedCode {

    private NamedCode() {
    }

    static Map<String, Object> json(int code, String name) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("code", code);
        m.put("name", name);
        return m;
    }

    /** {@code name(code)}, as the wire registries print themselves. */
    static String text(int code, String name) {
        return name + "(" + code + ")";
    }
}
