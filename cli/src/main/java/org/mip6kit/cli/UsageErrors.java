package org.mip6kit.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.commons.text.similarity.DamerauLevenshteinDistance;
import picocli.CommandLine;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * How every {@code mip6kit} command reports a usage error: one line naming the problem, a
 * suggestion when the user probably misspelt a command or an option name, and where to read
 * more; exit {@value Mip6kitCommand#EXIT_BAD_INPUT}. Installed once on the top-level command
 * line, so it covers every subcommand.
 *
 * <ul>
 *   <li>A word that is not a command of a command that has subcommands:
 *       {@code mip6kit ha: 'rnu' is not a command.} followed by the nearest commands
 *       ({@code Did you mean: mip6kit ha run?}) or, when none is near, the list of commands.</li>
 *   <li>An unknown option: {@code Unknown option: '--confg'} and the nearest option names
 *       ({@code Did you mean: --config?}).</li>
 *   <li>picocli checks required options before it reports unknown ones, so
 *       {@code ha run --confg x.yaml} would only say that {@code --config} is missing. When a
 *       required option or parameter is missing, the command line is parsed again with
 *       picocli's error collection on, and an unknown argument found there is reported
 *       instead: the misspelling is the cause, the missing option its consequence.</li>
 * </ul>
 *
 * <p>"Near" means a Damerau-Levenshtein distance (insertions, deletions, substitutions and
 * swaps of two neighbouring characters, each counting one) of at most a third of the typed
 * word's length plus one third, compared without leading dashes; or a name that starts with
 * what was typed (two characters at least).
 */
final class UsageErrors implements CommandLine.IParameterExceptionHandler {

    private static final DamerauLevenshteinDistance DISTANCE = new DamerauLevenshteinDistance();

    private final Supplier<CommandLine> fresh;

    /**
     * @param fresh a new command line of the same commands, without this handler: the second
     *              parse (with error collection) must not disturb the one that failed
     */
    UsageErrors(Supplier<CommandLine> fresh) {
        this.fresh = Objects.requireNonNull(fresh, "fresh");
    }

    @Override
    public int handleParseException(ParameterException e, String[] args) {
        PrintWriter err = e.getCommandLine().getErr();
        ParameterException reported = e;
        if (e instanceof MissingParameterException) {
            reported = unknownArgumentBehind(args).map(ParameterException.class::cast).orElse(e);
        }
        CommandLine failed = reported.getCommandLine();
        if (reported instanceof UnmatchedArgumentException unmatched && !unmatched.getUnmatched().isEmpty()) {
            describeUnmatched(failed, unmatched, err);
        } else {
            err.println(reported.getMessage());
        }
        err.println("Try '" + failed.getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return Mip6kitCommand.EXIT_BAD_INPUT;
    }

    /** The unknown argument picocli found but did not report because a required one was missing. */
    private Optional<UnmatchedArgumentException> unknownArgumentBehind(String[] args) {
        CommandLine again = fresh.get();
        collectErrors(again);
        ParseResult result;
        try {
            result = again.parseArgs(args);
        } catch (RuntimeException stillFailing) {
            return Optional.empty();
        }
        for (ParseResult level = result; level != null; level = level.subcommand()) {
            for (Exception error : level.errors()) {
                if (error instanceof UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
                    return Optional.of(u);
                }
            }
        }
        return Optional.empty();
    }

    private static void collectErrors(CommandLine commandLine) {
        commandLine.getCommandSpec().parser().collectErrors(true);
        for (CommandLine sub : commandLine.getSubcommands().values()) {
            collectErrors(sub);
        }
    }

    private static void describeUnmatched(CommandLine failed, UnmatchedArgumentException e, PrintWriter err) {
        String first = e.getUnmatched().get(0);
        String qualified = failed.getCommandSpec().qualifiedName();
        if (first.startsWith("-") && first.length() > 1) {
            String name = first.contains("=") ? first.substring(0, first.indexOf('=')) : first;
            err.println("Unknown option: '" + name + "'");
            List<String> near = nearest(name, optionNames(failed));
            if (!near.isEmpty()) {
                err.println("Did you mean: " + String.join(" or ", near) + "?");
            }
        } else if (!failed.getSubcommands().isEmpty()) {
            err.println(qualified + ": '" + first + "' is not a command.");
            Set<String> commands = new LinkedHashSet<>(failed.getSubcommands().keySet());
            List<String> near = nearest(first, commands);
            if (near.isEmpty()) {
                err.println("Commands: " + String.join(", ", commands) + ".");
            } else {
                err.println("Did you mean: " + String.join(" or ", near.stream().map(c -> qualified + " " + c).toList())
                        + "?");
            }
        } else {
            err.println(e.getMessage());
        }
    }

    private static List<String> optionNames(CommandLine commandLine) {
        List<String> names = new ArrayList<>();
        for (OptionSpec option : commandLine.getCommandSpec().options()) {
            if (!option.hidden()) {
                names.addAll(List.of(option.names()));
            }
        }
        return names;
    }

    /**
     * The candidates near {@code typed} (see the class comment), nearest first, then by name.
     * Package-private for its tests.
     */
    static List<String> nearest(String typed, Collection<String> candidates) {
        String word = undashed(typed);
        int allowed = (word.length() + 1) / 3;
        record Scored(String name, int distance) {
        }
        List<Scored> near = new ArrayList<>();
        for (String candidate : new LinkedHashSet<>(candidates)) {
            String name = undashed(candidate);
            int distance = DISTANCE.apply(word, name);
            boolean prefix = word.length() >= 2 && name.startsWith(word) && dashes(typed) == dashes(candidate);
            if (distance > 0 && (distance <= allowed || prefix)) {
                near.add(new Scored(candidate, distance));
            }
        }
        near.sort(Comparator.comparingInt(Scored::distance).thenComparing(Scored::name));
        return near.stream().map(Scored::name).toList();
    }

    private static String undashed(String name) {
        return name.substring(dashes(name));
    }

    private static int dashes(String name) {
        int n = 0;
        while (n < name.length() && name.charAt(n) == '-') {
            n++;
        }
        return n;
    }
}
