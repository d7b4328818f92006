package org.mip6kit.benchmarks.load;

/**
 * What one phase cost on each side, from {@link ResourceUsage} readings taken just before and just
 * after it: the server JVM (the home agent and the echo) and the client JVM (the load generator).
 *
 * @param server what the server JVM spent; its groups are {@link #HOME_AGENT} (the home agent's
 *        receive thread, which decodes, verifies, processes, signs and sends) and {@link #ECHO}
 * @param work the server group that did this phase's work: {@link #HOME_AGENT} or {@link #ECHO}
 * @param client what the client JVM spent; its groups are {@link #SENDER} (builds, signs and sends
 *        the Binding Updates) and {@link #RECEIVER} (the socket's receive thread: parses, decodes,
 *        verifies, matches, records)
 */
record PhaseCost(ResourceUsage.Spent server, String work, ResourceUsage.Spent client) {

    static final String HOME_AGENT = "ha";
    static final String ECHO = "echo";
    static final String SENDER = "sender";
    static final String RECEIVER = "receiver";

    /** For a phase whose cost was not read. */
    static final PhaseCost UNMEASURED = new PhaseCost(ResourceUsage.Spent.NONE, HOME_AGENT, ResourceUsage.Spent.NONE);

    boolean measured() {
        return server.processCpuNanos() >= 0 && client.processCpuNanos() >= 0;
    }
}
