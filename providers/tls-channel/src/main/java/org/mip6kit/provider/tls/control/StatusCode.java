package org.mip6kit.provider.tls.control;

import java.util.Map;

/**
 * The {@code status-code} of a Home Agent Controller response (RFC 6618 §5): three-digit,
 * HTTP-like values. An open registry: any code 100..599 decodes, the ones this package sends
 * have names, and each prints as {@code name(code)}.
 *
 * <p>Which code for which failure is this package's reading (the RFC borrows HTTP's meanings):
 * {@code 100} on the intermediate {@code MHAuth-Init-resp}, {@code 200} on a successful
 * {@code MHAuth-Done-resp}; {@code 400} for a malformed or unexpected message; {@code 401} when
 * the node's {@code auth} does not verify (a wrong key and an unknown {@code mn-id} alike);
 * {@code 403} when an authenticated node may not have what it asked for; {@code 500} when the
 * controller fails; {@code 501} for an authentication method it does not implement;
 * {@code 503} (with {@code retry-after}) when it cannot serve now.
 */
public final class StatusCode {

    public static final StatusCode CONTINUE = new StatusCode(100, "Continue");
    public static final StatusCode OK = new StatusCode(200, "OK");
    public static final StatusCode BAD_REQUEST = new StatusCode(400, "Bad-Request");
    public static final StatusCode UNAUTHORIZED = new StatusCode(401, "Unauthorized");
    public static final StatusCode FORBIDDEN = new StatusCode(403, "Forbidden");
    public static final StatusCode INTERNAL_ERROR = new StatusCode(500, "Internal-Error");
    public static final StatusCode NOT_IMPLEMENTED = new StatusCode(501, "Not-Implemented");
    public static final StatusCode SERVICE_UNAVAILABLE = new StatusCode(503, "Service-Unavailable");

    private static final Map<Integer, StatusCode> KNOWN = Map.of(
            100, CONTINUE, 200, OK, 400, BAD_REQUEST, 401, UNAUTHORIZED, 403, FORBIDDEN,
            500, INTERNAL_ERROR, 501, NOT_IMPLEMENTED, 503, SERVICE_UNAVAILABLE);

    private final int code;
    private final String name;

    private StatusCode(int code, String name) {
        this.code = code;
        this.name = name;
    }

    /**
     * The status for {@code code}: a named constant, or an unnamed value.
     *
     * @throws IllegalArgumentException if {@code code} is outside 100..599
     */
    public static StatusCode of(int code) {
        if (code < 100 || code > 599) {
            throw new IllegalArgumentException("a status code is three digits 100..599, got " + code);
        }
        StatusCode known = KNOWN.get(code);
        return known != null ? known : new StatusCode(code, "unassigned");
    }

    public int code() {
        return code;
    }

    public String name() {
        return name;
    }

    /** 1xx: the exchange goes on. */
    public boolean isIntermediate() {
        return code < 200;
    }

    /** 2xx. */
    public boolean isSuccess() {
        return code >= 200 && code < 300;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StatusCode other && other.code == code;
    }

    @Override
    public int hashCode() {
        return code;
    }

    @Override
    public String toString() {
        return name + "(" + code + ")";
    }
}
