package org.mip6kit.provider.ipsec.vici;

/**
 * The refusals {@link ViciClient} makes of charon's answers, for test doubles of {@link Vici} in
 * other packages (the simulated charon): the same exceptions, with the same texts, that a client
 * on the real socket would fail with.
 */
public final class ViciRefusals {

    private ViciRefusals() {
    }

    /** What a client fails with when charon answers {@code CMD_UNKNOWN}. */
    public static ViciCommandException unknownCommand(String command) {
        return ViciCommandException.unknownCommand(command);
    }

    /** What a client fails with when charon answers {@code EVENT_UNKNOWN}. */
    public static ViciCommandException unknownEvent(String event) {
        return ViciCommandException.unknownEvent(event);
    }

    /** What a client fails with when charon answers {@code success = no} with {@code errmsg} (may be null). */
    public static ViciCommandException failed(String command, String errmsg) {
        return ViciCommandException.failed(command, errmsg);
    }
}
