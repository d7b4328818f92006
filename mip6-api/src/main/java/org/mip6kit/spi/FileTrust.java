package org.mip6kit.spi;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Whether a file that configures a daemon or holds keys can be trusted: only its owner (the
 * user running the daemon, or root) can have written what it says. The checks ssh applies to
 * its own files:
 * <ul>
 * <li>the file is owned by the user running this process or by root;</li>
 * <li>others may not write it;</li>
 * <li>no directory above it (of the path as given and of the path it resolves to) may be
 *     written by others unless it has the sticky bit ({@code /tmp}), since whoever may write a
 *     directory may replace the file in it.</li>
 * </ul>
 * Who may <em>read</em> a file is the caller's rule (a key file must be private to its owner,
 * a configuration without keys need not be). POSIX file systems only: where the owner or mode
 * cannot be read, nothing is reported. Stateless; thread-safe.
 */
public final class FileTrust {

    private static final int OTHERS_WRITE = 0002;
    private static final int STICKY = 01000;
    private static final int ROOT = 0;

    private FileTrust() {
    }

    /**
     * Why {@code file} cannot be trusted, as a sentence that names the file and the command that
     * fixes it (e.g. {@code chmod o-w /etc/mip6kit/ha.yaml}); empty if it can be, or if the file
     * system keeps no owners and modes.
     *
     * @param what how the message calls the file ("key table", "configuration file")
     */
    public static Optional<String> problem(Path file, String what) {
        Path absolute = file.toAbsolutePath().normalize();
        Optional<Integer> uid = intAttribute(absolute, "unix:uid");
        Optional<Integer> mode = intAttribute(absolute, "unix:mode");
        if (uid.isEmpty() || mode.isEmpty()) {
            return Optional.empty();
        }
        int self = processUid();
        if (uid.get() != self && uid.get() != ROOT) {
            return Optional.of("the " + what + " " + absolute + " is owned by " + userName(absolute, uid.get())
                    + ", not by the user running this daemon (" + userName(self) + ") or root, so that user could "
                    + "change it: chown " + userName(self) + " " + absolute);
        }
        if ((mode.get() & OTHERS_WRITE) != 0) {
            return Optional.of("the " + what + " " + absolute + " may be written by anybody (mode "
                    + Integer.toOctalString(mode.get() & 07777) + "): chmod o-w " + absolute);
        }
        Set<Path> directories = new LinkedHashSet<>();
        addParents(absolute, directories);
        try {
            addParents(absolute.toRealPath(), directories);
        } catch (IOException e) {
            // the file's own checks above already read it; an unresolvable link leaves the given path's checks
        }
        for (Path dir : directories) {
            Optional<Integer> dirMode = intAttribute(dir, "unix:mode");
            if (dirMode.isPresent() && (dirMode.get() & OTHERS_WRITE) != 0 && (dirMode.get() & STICKY) == 0) {
                return Optional.of("the " + what + " " + absolute + " is in the directory " + dir
                        + ", which anybody may write (mode " + Integer.toOctalString(dirMode.get() & 07777)
                        + ", no sticky bit), so anybody could replace the file: chmod o-w " + dir
                        + ", or move the file to a directory only its owner may write");
            }
        }
        return Optional.empty();
    }

    private static void addParents(Path path, Set<Path> into) {
        for (Path p = path.getParent(); p != null; p = p.getParent()) {
            into.add(p);
        }
    }

    /** Follows links: what counts is the file or directory a path leads to. */
    private static Optional<Integer> intAttribute(Path path, String attribute) {
        try {
            return Files.getAttribute(path, attribute) instanceof Integer i ? Optional.of(i) : Optional.empty();
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * The user id of this process: the owner of {@code /proc/self} (Linux), read through
     * java.nio so the API needs no JDK-internal class.
     */
    static int processUid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
            throw new IllegalStateException("cannot tell this process's user id from /proc/self: " + e, e);
        }
    }

    private static String userName(int uid) {
        if (uid == ROOT) {
            return "root";
        }
        String self = System.getProperty("user.name");
        return self != null && !self.isEmpty() ? self : "uid " + uid;
    }

    private static String userName(Path file, int uid) {
        try {
            return Files.getOwner(file).getName() + " (uid " + uid + ")";
        } catch (IOException e) {
            return "uid " + uid;
        }
    }
}
