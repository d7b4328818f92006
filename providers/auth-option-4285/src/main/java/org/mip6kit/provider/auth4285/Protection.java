package org.mip6kit.provider.auth4285;

import java.util.ArrayList;
import java.util.List;

import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.SecurityProviderException;
import org.mip6kit.wire.BindingAcknowledgement;
import org.mip6kit.wire.BindingUpdate;
import org.mip6kit.wire.HomeAgentSwitch;
import org.mip6kit.wire.MobileNodeIdentifier;
import org.mip6kit.wire.MobilityHeaderCodec;
import org.mip6kit.wire.MobilityMessage;
import org.mip6kit.wire.MobilityOption;

/**
 * Builds protected Mobility Header octets: the message with its RFC 4285 options in the order
 * RFC 4285 §4 shows (MN-ID, replay protection, authentication last), encoded, the MN-HA
 * authenticator filled in, then the checksum (which is computed over the final octets, so it
 * comes last; the authenticator takes the checksum as 0).
 */
final class Protection {

    private Protection() {
    }

    /**
     * The octets of {@code message} with {@code identifier} (if any), a replay option holding
     * {@code timestamp} (if not null) and an MN-HA authentication option for {@code sa}, ready to
     * send with {@code to}. Options of these three types already in the message are replaced.
     */
    static byte[] protect(MobilityHeaderCodec codec, MobilityMessage message, MobileNodeIdentifier identifier,
                          Long timestamp, SecurityAssociation sa, AuthenticatedAddresses addresses, Addressing to) {
        return protectStamped(codec, message, identifier, timestamp == null ? null
                : new MobilityMessageReplayProtection(timestamp), sa, addresses, to);
    }

    /** As above, with the replay option itself ({@code stamp}, or none when null), such as the one a reply echoes. */
    static byte[] protectStamped(MobilityHeaderCodec codec, MobilityMessage message, MobileNodeIdentifier identifier,
                                 MobilityMessageReplayProtection stamp, SecurityAssociation sa,
                                 AuthenticatedAddresses addresses, Addressing to) {
        if (!(message instanceof BindingUpdate) && !(message instanceof BindingAcknowledgement)
                && !(message instanceof HomeAgentSwitch)) {
            throw new SecurityProviderException("auth-option-4285 authenticates Binding Updates, Acknowledgements and "
                    + "Home Agent Switch messages only, not " + message.type());
        }
        MobilityMessageAuthentication auth = MobilityMessageAuthentication.placeholder(
                MobilityMessageAuthentication.SUBTYPE_MN_HA, sa.spi(),
                MobilityMessageAuthentication.MN_HA_AUTHENTICATOR_LENGTH);
        byte[] mh;
        if (carriesOwnOptions(message, identifier)) {
            mh = codec.encodeWithoutChecksum(withOptions(message, replaced(message, identifier, stamp, auth)));
        } else {
            // The usual case (the engine's messages carry none of these options): encoded once,
            // with this provider's options appended, and no second message built.
            mh = codec.encodeWithoutChecksum(message, identifier != null
                    ? stamp != null ? List.of(identifier, stamp, auth) : List.of(identifier, auth)
                    : stamp != null ? List.of(stamp, auth) : List.of(auth));
        }
        int at = AuthenticatorLocation.find(mh);
        if (at < 0) {
            throw new IllegalStateException("the authentication option is not the last option of " + message.type());
        }
        sa.sign(addresses, mh, at);
        MobilityHeaderCodec.fillChecksum(mh, to.pseudoHeaderSource(), to.pseudoHeaderDestination());
        return mh;
    }

    /** Whether {@code message} already holds an option of a type {@link #protect} sets. */
    private static boolean carriesOwnOptions(MobilityMessage message, MobileNodeIdentifier identifier) {
        List<MobilityOption> own = message.options();
        for (int i = 0; i < own.size(); i++) {
            MobilityOption o = own.get(i);
            if (o instanceof MobilityMessageAuthentication || o instanceof MobilityMessageReplayProtection
                    || identifier != null && o instanceof MobileNodeIdentifier) {
                return true;
            }
        }
        return false;
    }

    /** The message's options without those {@link #protect} replaces, then its own, in RFC 4285 §4's order. */
    private static List<MobilityOption> replaced(MobilityMessage message, MobileNodeIdentifier identifier,
                                                 MobilityMessageReplayProtection stamp,
                                                 MobilityMessageAuthentication auth) {
        List<MobilityOption> own = message.options();
        List<MobilityOption> options = new ArrayList<>(own.size() + 3);
        for (MobilityOption o : own) {
            if (!(o instanceof MobilityMessageAuthentication) && !(o instanceof MobilityMessageReplayProtection)
                    && !(identifier != null && o instanceof MobileNodeIdentifier)) {
                options.add(o);
            }
        }
        if (identifier != null) {
            options.add(identifier);
        }
        if (stamp != null) {
            options.add(stamp);
        }
        options.add(auth);
        return options;
    }

    /** {@code message} with {@code options} in place of its own (Binding Updates, Acknowledgements, Home Agent Switch). */
    static MobilityMessage withOptions(MobilityMessage message, List<MobilityOption> options) {
        if (message instanceof BindingUpdate bu) {
            return new BindingUpdate(bu.sequence(), bu.flags(), bu.lifetime(), options);
        }
        if (message instanceof BindingAcknowledgement ba) {
            return new BindingAcknowledgement(ba.status(), ba.flags(), ba.sequence(), ba.lifetime(), options);
        }
        if (message instanceof HomeAgentSwitch has) {
            return new HomeAgentSwitch(has.homeAgents(), options);
        }
        throw new SecurityProviderException("auth-option-4285 authenticates Binding Updates, Acknowledgements and "
                + "Home Agent Switch messages only, not " + message.type());
    }
}
