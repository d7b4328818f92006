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
        if (timestamp != null) {
            options.add(new MobilityMessageReplayProtection(timestamp));
        }
        options.add(MobilityMessageAuthentication.placeholder(MobilityMessageAuthentication.SUBTYPE_MN_HA, sa.spi(),
                MobilityMessageAuthentication.MN_HA_AUTHENTICATOR_LENGTH));
        byte[] mh = codec.encodeWithoutChecksum(withOptions(message, options));
        int at = AuthenticatorLocation.find(mh);
        if (at < 0) {
            throw new IllegalStateException("the authentication option is not the last option of " + message.type());
        }
        sa.sign(addresses, mh, at);
        MobilityHeaderCodec.fillChecksum(mh, to.pseudoHeaderSource(), to.pseudoHeaderDestination());
        return mh;
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
