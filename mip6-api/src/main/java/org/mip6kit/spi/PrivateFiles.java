package org.mip6kit.spi;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the files that hold a provider's secrets (key tables, pre-shared keys, private keys):
 * only from a regular file that its owner alone may read and write, and that {@link FileTrust}
 * trusts. Every refusal is a {@link ProviderConfigException} naming the configuration key, the
 * file and the fix ({@code chmod 600 <file>}), never the file's content. Stateless; thread-safe.
 */
public final class PrivateFiles {

    private static final Set<PosixFilePermission> TOO_OPEN = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);
    private static final String UNTRUSTED_DOCS = "docs/errors.md#untrusted-file";

    private PrivateFiles() {
    }

    /**
     * Fails unless {@code file} is a regular file private to its owner and trusted.
     *
     * @param config the section whose {@code key} named the file
     * @param what how the message calls the file ("key table", "pre-shared key file")
     * @param docs where the provider documents its secrets, for the message
     */
    public static void require(Path file, ConfigSection config, String key, String what, String docs)
            throws ProviderConfigException {
        if (!Files.isRegularFile(file)) {
            throw config.error(key, "the " + what + " " + file + " does not exist or is not a regular file");
        }
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (view == null) {
            throw config.error(key, "cannot check who may read the " + what + " " + file
                    + " (the file system has no POSIX permissions); secrets are only read from files private to "
                    + "their owner, see " + docs);
        }
        Set<PosixFilePermission> permissions;
        try {
            permissions = view.readAttributes().permissions();
        } catch (IOException e) {
            throw config.error(key, "cannot read the permissions of the " + what + " " + file + ": " + e.getMessage());
        }
        if (permissions.stream().anyMatch(TOO_OPEN::contains)) {
            throw config.error(key, "the " + what + " " + file + " is accessible to group or others (permissions "
                    + PosixFilePermissions.toString(permissions) + "); a file holding secrets must be private to its "
                    + "owner: chmod 600 " + file + " (see " + docs + ")");
        }
        Optional<String> untrusted = FileTrust.problem(file, what);
        if (untrusted.isPresent()) {
            throw config.error(key, untrusted.get() + " (see " + UNTRUSTED_DOCS + ")");
        }
    }

    /** {@link #require}, then the file's text (UTF-8). */
    public static String read(Path file, ConfigSection config, String key, String what, String docs)
            throws ProviderConfigException {
        require(file, config, key, what, docs);
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw config.error(key, "cannot read the " + what + " " + file + ": " + e.getMessage());
        }
    }
}
