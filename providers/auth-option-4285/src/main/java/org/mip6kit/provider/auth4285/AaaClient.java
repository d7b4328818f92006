package org.mip6kit.provider.auth4285;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletionStage;

import org.mip6kit.wire.Ipv6Address;

/**
 * The home agent's client of a home AAA server, for Binding Updates authenticated with the
 * MN-AAA option (RFC 4285 §5.2): the AAA server, which alone holds the MN-AAA key, judges the
 * first Binding Update and, when it authenticates, hands the home agent the MN-HA security
 * association that protects the Binding Acknowledgement and the Binding Updates that follow.
 *
 * <p><b>No implementation ships with mip6kit yet.</b> A RADIUS or Diameter client (for instance
 * the Diameter Mobile IPv6 applications of RFC 5778/5779) will come later behind this
 * interface; until then an embedder passes its own to {@link AuthOption4285Provider#AuthOption4285Provider(AaaClient)},
 * and configuring {@code mn-aaa: true} without one is a configuration error.
 *
 * <p>Implementations are thread-safe and never block the caller: the answer comes as a stage.
 */
public interface AaaClient {

    /**
     * Asks the AAA server to authenticate one Binding Update. The stage completes with the
     * server's answer, or exceptionally when the server cannot be asked (then the Binding
     * Update is dropped and the mobile node's retransmission asks again).
     */
    CompletionStage<Answer> authenticate(Request request);

    /**
     * What the home agent knows of the Binding Update.
     *
     * @param nai the NAI from the Mobile Node Identifier option (RFC 4283)
     * @param spi the mobility SPI of the MN-AAA option (it selects the algorithm; 3 = HMAC_SHA1)
     * @param macMobilityData SHA1(care-of address ‖ home address ‖ MH Data), see {@link MnAaaAuthenticator}
     * @param authenticator the Authentication Data the mobile node sent
     * @param homeAddress the home address claimed
     * @param careOfAddress the effective care-of address
     */
    record Request(String nai, long spi, byte[] macMobilityData, byte[] authenticator, Ipv6Address homeAddress,
                   Ipv6Address careOfAddress) {
        public Request {
            macMobilityData = macMobilityData.clone();
            authenticator = authenticator.clone();
        }

        @Override
        public byte[] macMobilityData() {
            return macMobilityData.clone();
        }

        @Override
        public byte[] authenticator() {
            return authenticator.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Request r && r.nai.equals(nai) && r.spi == spi
                    && Arrays.equals(r.macMobilityData, macMobilityData) && Arrays.equals(r.authenticator, authenticator)
                    && r.homeAddress.equals(homeAddress) && r.careOfAddress.equals(careOfAddress);
        }

        @Override
        public int hashCode() {
            return nai.hashCode() * 31 + Arrays.hashCode(authenticator);
        }

        @Override
        public String toString() {
            return "AaaClient.Request[" + nai + ", spi=" + spi + ", home address " + homeAddress + ", care-of "
                    + careOfAddress + "]";
        }
    }

    /**
     * The AAA server's verdict.
     *
     * @param authenticated whether the Binding Update's authenticator is right
     * @param mnHaSpi the SPI of the MN-HA security association the server distributes (256 or more)
     * @param mnHaKey its key, 16..64 octets (a secret: never printed)
     * @param lifetime how long the home agent may use that association
     */
    record Answer(boolean authenticated, long mnHaSpi, byte[] mnHaKey, Duration lifetime) {
        public Answer {
            mnHaKey = mnHaKey == null ? new byte[0] : mnHaKey.clone();
            if (lifetime == null || lifetime.isNegative()) {
                throw new IllegalArgumentException("an answer needs a lifetime");
            }
        }

        /** The server refused the Binding Update. */
        public static Answer refused() {
            return new Answer(false, 0, new byte[0], Duration.ZERO);
        }

        @Override
        public byte[] mnHaKey() {
            return mnHaKey.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Answer a && a.authenticated == authenticated && a.mnHaSpi == mnHaSpi
                    && Arrays.equals(a.mnHaKey, mnHaKey) && a.lifetime.equals(lifetime);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(mnHaSpi) * 31 + lifetime.hashCode();
        }

        @Override
        public String toString() {
            return "AaaClient.Answer[" + (authenticated ? "authenticated, MN-HA spi=" + mnHaSpi + ", lifetime "
                    + lifetime : "refused") + "]";
        }
    }
}
