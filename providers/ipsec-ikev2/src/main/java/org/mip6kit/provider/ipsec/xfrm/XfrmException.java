package org.mip6kit.provider.ipsec.xfrm;

import java.io.IOException;
import java.util.Map;

/**
 * The kernel (or libc) refused an XFRM netlink request with {@code errno}; the message names the
 * errno symbolically (e.g. {@code EEXIST}, {@code ENOENT}, {@code EPERM}, {@code EPROTONOSUPPORT})
 * together with the operation.
 */
public final class XfrmException extends IOException {
    private static final long serialVersionUID = 1L;

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(1, "EPERM"), Map.entry(2, "ENOENT"), Map.entry(3, "ESRCH"), Map.entry(4, "EINTR"),
            Map.entry(5, "EIO"), Map.entry(9, "EBADF"), Map.entry(11, "EAGAIN"), Map.entry(12, "ENOMEM"),
            Map.entry(13, "EACCES"), Map.entry(14, "EFAULT"), Map.entry(16, "EBUSY"), Map.entry(17, "EEXIST"),
            Map.entry(19, "ENODEV"), Map.entry(22, "EINVAL"), Map.entry(24, "EMFILE"), Map.entry(28, "ENOSPC"),
            Map.entry(38, "ENOSYS"), Map.entry(71, "EPROTO"), Map.entry(90, "EMSGSIZE"),
            Map.entry(93, "EPROTONOSUPPORT"), Map.entry(95, "EOPNOTSUPP"), Map.entry(97, "EAFNOSUPPORT"),
            Map.entry(105, "ENOBUFS"), Map.entry(110, "ETIMEDOUT"), Map.entry(111, "ECONNREFUSED"));

    private final int errno;
    private final String operation;

    /**
     * @param operation what was asked, e.g. {@code "NEWPOLICY"} or {@code "setns(/var/run/netns/x)"}
     * @param errno the positive errno
     */
    public XfrmException(String operation, int errno) {
        super(operation + " failed: " + errnoName(errno) + " (errno " + errno + ")");
        this.errno = errno;
        this.operation = operation;
    }

    /** The positive errno. */
    public int errno() { return errno; }

    /** The symbolic name, e.g. {@code "EEXIST"}, or {@code "errno N"} for one not in the table. */
    public String errnoName() { return errnoName(errno); }

    /** The operation that failed. */
    public String operation() { return operation; }

    /** The Linux symbolic name of {@code errno}, or {@code "errno N"} if unknown here. */
    public static String errnoName(int errno) {
        return NAMES.getOrDefault(errno, "errno " + errno);
    }
}
