package org.mip6kit.spi;

/**
 * The version of this SPI. A provider states the major version it was built against in its
 * {@link ProviderDescriptor}; the engine refuses a provider whose major version differs from
 * {@link #MAJOR} and names both versions. Minor versions add to the SPI without breaking it.
 */
public final class SpiVersion {

    /** Incompatible changes increase this. */
    public static final int MAJOR = 2;
    /** Compatible additions increase this. */
    public static final int MINOR = 0;

    private SpiVersion() {
    }

    public static String text() {
        return MAJOR + "." + MINOR;
    }
}
