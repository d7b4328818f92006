package org.mip6kit.provider.tls;

import java.nio.file.Path;
import java.util.Set;

import org.mip6kit.spi.DemoConfiguration;

/** The demo's throwaway configuration (placeholder). */
final class DemoSetup {

    private DemoSetup() {
    }

    static DemoConfiguration write(Path privateDirectory, Set<String> options) {
        return DemoConfiguration.unsupported("tls-channel's demo configuration is not written yet");
    }
}
