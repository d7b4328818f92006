package org.mip6kit.spi;

/**
 * The authenticated identity of a peer, as a provider established it: an NAI from RFC 4283
 * plus a verified RFC 4285 authenticator, an IKEv2 identity, a certificate subject, a PSK
 * identity. The engine ties home addresses and bindings to it and puts it in every log line
 * and event (draft §6.4: a DNS updater consumes it). Never a secret.
 *
 * @param kind what sort of identifier {@code value} is
 * @param value the identifier text, 1..255 characters, no control characters
 */
public record Identity(Kind kind, String value) {

    /** What an identity's value is. */
    public enum Kind {
        /** A Network Access Identifier, {@code user@realm} (RFC 7542, RFC 4283). */
        NAI,
        /** A fully qualified domain name. */
        FQDN,
        /** An IKEv2 identity in strongSwan's text form. */
        IKE_ID,
        /** An X.509 subject distinguished name. */
        X509_SUBJECT,
        /** A pre-shared-key identity (TLS/DTLS PSK, RFC 6618). */
        PSK_IDENTITY,
        /** A home agent's own address, as the mobile node authenticated it. */
        HOME_AGENT
    }

    public Identity {
        if (kind == null || value == null || value.isEmpty() || value.length() > 255) {
            throw new IllegalArgumentException("an identity needs a kind and a value of 1..255 characters");
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                throw new IllegalArgumentException("an identity must not contain control characters");
            }
        }
    }

    public static Identity nai(String nai) {
        return new Identity(Kind.NAI, nai);
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase() + ":" + value;
    }
}
