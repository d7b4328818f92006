package org.mip6kit.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code mip6kit} command line: a dispatcher to the subcommands, started by the
 * {@code ./mip6kit} launcher at the repository root. Each subcommand is its own class, listed
 * in {@link Command#subcommands()}; this class holds no behaviour of its own.
 *
 * <p>Exit codes shared by the subcommands: {@link #EXIT_OK}, {@link #EXIT_FAILURE},
 * {@link #EXIT_BAD_INPUT} (also picocli's code for a usage error).
 */
@Command(name = "mip6kit",
        mixinStandardHelpOptions = true,
        versionProvider = Mip6kitCommand.Version.class,
        description = "Mobile IPv6 (RFC 6275) signalling toolkit.",
        subcommands = {
                DemoCommand.class,
                DecodeCommand.class,
                HaCommand.class,
                MnCommand.class,
                BenchCommand.class,
                CommandLine.HelpCommand.class
        },
        footer = {"", "Run 'mip6kit help COMMAND' or 'mip6kit COMMAND --help' for a command's options."})
public final class Mip6kitCommand implements java.util.concurrent.Callable<Integer> {

    /** Everything worked. */
    public static final int EXIT_OK = 0;
    /** The command could not do its work (a file could not be read, an I/O failure). */
    public static final int EXIT_FAILURE = 1;
    /** The input or the command line is malformed. */
    public static final int EXIT_BAD_INPUT = 2;

    @Spec
    CommandSpec spec;

    /** With no subcommand: the usage on stderr, exit {@link #EXIT_BAD_INPUT}. */
    @Override
    public Integer call() {
        spec.commandLine().getErr().println("Missing command.");
        spec.commandLine().usage(spec.commandLine().getErr());
        return EXIT_BAD_INPUT;
    }

    /**
     * The command line with its subcommands, reading standard input from {@code stdin}
     * (tests pass their own stream; {@link #main} passes {@link System#in}). Usage errors of
     * every subcommand are reported by {@link UsageErrors}: the problem, a suggestion for a
     * misspelt command or option, and exit {@link #EXIT_BAD_INPUT}.
     */
    public static CommandLine commandLine(InputStream stdin) {
        CommandLine commandLine = withoutErrorHandler(stdin);
        commandLine.setParameterExceptionHandler(
                new UsageErrors(() -> withoutErrorHandler(InputStream.nullInputStream())));
        return commandLine;
    }

    private static CommandLine withoutErrorHandler(InputStream stdin) {
        CommandLine.IFactory defaults = CommandLine.defaultFactory();
        CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> type) throws Exception {
                if (type == DecodeCommand.class) {
                    return type.cast(new DecodeCommand(stdin));
                }
                return defaults.create(type);
            }
        };
        return new CommandLine(new Mip6kitCommand(), factory);
    }

    public static void main(String[] args) {
        System.exit(commandLine(System.in).execute(args));
    }

    /** The project version, filtered into {@code version.properties} by the build. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            Properties p = new Properties();
            try (InputStream in = Mip6kitCommand.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            } catch (IOException e) {
                // fall through to "unknown"
            }
            return new String[] {"mip6kit " + p.getProperty("version", "(version unknown)"),
                    "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"};
        }
    }
}
