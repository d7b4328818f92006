package org.mip6kit.cli.decode;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.List;
import java.util.function.Supplier;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.inject.SecurityProviders;
import org.mip6kit.provider.auth4285.MobilityMessageAuthentication;
import org.mip6kit.provider.auth4285.MobilityMessageReplayProtection;
import org.mip6kit.spi.Capability;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.HomeAgentSecurity;
import org.mip6kit.spi.MobileNodeSecurity;
import org.mip6kit.spi.Placement;
import org.mip6kit.spi.ProviderContext;
import org.mip6kit.spi.ProviderDescriptor;
import org.mip6kit.spi.SecurityProviderFactory;
import org.mip6kit.spi.SpiVersion;
import org.mip6kit.wire.MobilityOptionCodec;
import org.mip6kit.wire.NatDetection;

/** decode names the options of every installed provider, and one provider's trouble stays its own. */
@Tag("small")
class InstalledOptionCodecsTest {

    /** A provider that only lists option codecs. */
    private static SecurityProviderFactory provider(String name, Supplier<List<MobilityOptionCodec<?>>> codecs) {
        ProviderDescriptor d = new ProviderDescriptor(name, "1", SpiVersion.MAJOR, Placement.IN_MESSAGE,
                EnumSet.of(Capability.INTEGRITY));
        return new SecurityProviderFactory() {
            @Override
            public ProviderDescriptor descriptor() {
                return d;
            }

            @Override
            public List<MobilityOptionCodec<?>> optionCodecs() {
                return codecs.get();
            }

            @Override
            public MobileNodeSecurity mobileNode(ProviderContext context, ConfigSection config) {
                throw new UnsupportedOperationException();
            }

            @Override
            public HomeAgentSecurity homeAgent(ProviderContext context, ConfigSection config) {
                throw new UnsupportedOperationException();
            }
        };
    }

    @Test
    void theProvidersOnTheClassPathNameRfc4285sOptions() {
        InstalledOptionCodecs installed = InstalledOptionCodecs.of(
                SecurityProviders.discover(InstalledOptionCodecsTest.class.getClassLoader()));

        assertThat(installed.registry().name(MobilityMessageAuthentication.TYPE))
                .isEqualTo("Mobility Message Authentication");
        assertThat(installed.registry().name(MobilityMessageReplayProtection.TYPE))
                .isEqualTo("Mobility Message Replay Protection");
        assertThat(installed.warnings()).isEmpty();
    }

    @Test
    void aProviderThatCannotListItsOptionsOrClaimsATakenTypeIsReportedAndTheOthersStillCount() {
        InstalledOptionCodecs installed = InstalledOptionCodecs.of(SecurityProviders.of(List.of(
                provider("broken", () -> {
                    throw new IllegalStateException("no codecs today");
                }),
                provider("greedy", () -> List.of(new Renamed(NatDetection.CODEC, "Greedy NAT"))),
                provider("rfc4285", () -> List.of(MobilityMessageAuthentication.CODEC)),
                provider("rfc4285-again", () -> List.of(MobilityMessageAuthentication.CODEC)))));

        assertThat(installed.registry().name(MobilityMessageAuthentication.TYPE))
                .isEqualTo("Mobility Message Authentication");
        assertThat(installed.registry().name(NatDetection.TYPE)).isEqualTo(NatDetection.CODEC.name());
        assertThat(installed.warnings()).hasSize(2);
        assertThat(installed.warnings().get(0)).contains("provider broken").contains("no codecs today")
                .contains("show as Unknown");
        assertThat(installed.warnings().get(1)).contains("provider greedy")
                .contains("option type " + NatDetection.TYPE + " (Greedy NAT)");
    }

    /** Another codec for a type the standard registry already has. */
    private record Renamed(MobilityOptionCodec<NatDetection> inner, String name) implements MobilityOptionCodec<NatDetection> {
        @Override
        public int type() {
            return inner.type();
        }

        @Override
        public Class<NatDetection> optionClass() {
            return inner.optionClass();
        }

        @Override
        public org.mip6kit.wire.Alignment alignment() {
            return inner.alignment();
        }

        @Override
        public int dataLength(NatDetection o) {
            return inner.dataLength(o);
        }

        @Override
        public void write(NatDetection o, byte[] out, int offset) {
            inner.write(o, out, offset);
        }

        @Override
        public NatDetection read(byte[] mh, int offset, int length)
                throws org.mip6kit.wire.MobilityHeaderFormatException {
            return inner.read(mh, offset, length);
        }
    }
}
