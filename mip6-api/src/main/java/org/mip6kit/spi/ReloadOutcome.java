package org.mip6kit.spi;

import java.util.Objects;

/**
 * What {@link HomeAgentSecurity#reload} did with a new configuration section: either it now
 * applies ({@link #reloaded()} true; {@link #summary()} says what changed, e.g. "key table: 3
 * associations, 1 added, 0 removed"), or the provider cannot reload at all ({@link #reloaded()}
 * false; {@link #summary()} says so, and the running configuration is unchanged). A section that
 * is wrong is neither: {@link HomeAgentSecurity#reload} throws {@link ProviderConfigException}.
 *
 * <p>An immutable value. The summary is shown to operators verbatim (one log line, the answer of
 * {@code mip6kit ha reload}), so it is one line and never holds a secret.
 *
 * @param reloaded whether the new section replaced the running one
 * @param summary one line for the operator; not blank, no line break
 */
public record ReloadOutcome(boolean reloaded, String summary) {

    /** What {@link HomeAgentSecurity#reload}'s default says. */
    public static final String CANNOT_RELOAD = "this security provider cannot reload its configuration; restart the "
            + "home agent to apply a change";

    public ReloadOutcome {
        Objects.requireNonNull(summary, "summary");
        if (summary.isBlank() || summary.indexOf('\n') >= 0 || summary.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("a reload summary is one line of text, got '" + summary + "'");
        }
    }

    /** The new section applies now; {@code summary} says what changed. */
    public static ReloadOutcome reloaded(String summary) {
        return new ReloadOutcome(true, summary);
    }

    /** The provider cannot reload; {@code why} says so (and what to do instead). */
    public static ReloadOutcome notSupported(String why) {
        return new ReloadOutcome(false, why);
    }
}
