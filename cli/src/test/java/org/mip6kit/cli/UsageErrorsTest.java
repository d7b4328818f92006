package org.mip6kit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * Usage errors of the whole command tree ({@link UsageErrors}, installed by
 * {@link Mip6kitCommand#commandLine}): misspelt commands and options get a suggestion, an
 * unknown option is named even when a required option is missing too, and valid command lines
 * still parse.
 */
@Tag("small")
class UsageErrorsTest {

    @Test
    void misspeltTopLevelCommandIsNotACommandAndTheNearestAreSuggested() {
        CommandRun run = CommandRun.of("decod", "3b01");

        assertThat(run.exitCode()).as("%s", run).isEqualTo(Mip6kitCommand.EXIT_BAD_INPUT);
        assertThat(run.err()).startsWith("mip6kit: 'decod' is not a command.\n")
                .contains("Did you mean: mip6kit decode or mip6kit demo?")
                .contains("Try 'mip6kit --help' for more information.");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void swappedLettersInAHomeAgentCommandSuggestRun() {
        CommandRun run = CommandRun.of("ha", "rnu", "--config", "ha.yaml");

        assertThat(run.exitCode()).as("%s", run).isEqualTo(Mip6kitCommand.EXIT_BAD_INPUT);
        assertThat(run.err()).startsWith("mip6kit ha: 'rnu' is not a command.\n")
                .contains("Did you mean: mip6kit ha run?")
                .contains("Try 'mip6kit ha --help'");
    }

    @Test
    void swappedLettersInAMobileNodeCommandSuggestStatus() {
        CommandRun run = CommandRun.of("mn", "stauts");

        assertThat(run.exitCode()).as("%s", run).isEqualTo(Mip6kitCommand.EXIT_BAD_INPUT);
        assertThat(run.err()).startsWith("mip6kit mn: 'stauts' is not a command.\n")
                .contains("Did you mean: mip6kit mn status?\n");
    }

    @Test
    void aWordNearNoCommandListsTheCommandsInstead() {
        CommandRun run = CommandRun.of("ha", "frobnicate");

        assertThat(run.exitCode()).as("%s", run).isEqualTo(Mip6kitCommand.EXIT_BAD_INPUT);
        assertThat(run.err()).contains("'frobnicate' is not a command.")
                .contains("Commands: run, status, bindings, reload, drain.")
                .doesNotContain("Did you mean");
    }

    @Test
    void misspeltOptionIsUnknownAndTheNearestOptionIsSuggested() {
        CommandRun run = CommandRun.of("decode", "--srcc", "2001:db8:1::1", "3b01");

        assertThat(run.exitCode()).as("%s", run).isEqualTo(Mip6kitCommand.EXIT_BAD_INPUT);
        assertThat(run.err()).startsWith("Unknown option: '--srcc'\nDid you mean: --src?\n")
                .contains("Try 'mip6kit decode --help'");
    }

    @Test
    void unknownOptionIsReportedRatherThanTheRequiredOptionItMisspells() {
        CommandRun run = CommandRun.of("ha", "run", "--confg", "x.yaml");

        assertThat(run.exitCode()).as("%s", run).isEqualTo(Mip6kitCommand.EXIT_BAD_INPUT);
        assertThat(run.err()).startsWith("Unknown option: '--confg'\nDid you mean: --config?\n")
                .doesNotContain("Missing required");
    }

    @Test
    void unknownOptionIsReportedBeforeAMissingRequiredOptionInEverySubcommand() {
        List<String[]> checked = new ArrayList<>();
        for (CommandLine command : allCommands(Mip6kitCommand.commandLine(InputStream.nullInputStream()))) {
            for (ArgSpec arg : command.getCommandSpec().requiredArgs()) {
                if (!(arg instanceof OptionSpec option) || !option.longestName().startsWith("--")) {
                    continue;
                }
                String name = option.longestName();
                // the two letters after "--" swapped: --config -> --ocnfig
                String misspelt = "--" + name.charAt(3) + name.charAt(2) + name.substring(4);
                List<String> args = new ArrayList<>(path(command));
                args.add(misspelt);
                args.add("value");
                CommandRun run = CommandRun.of(args.toArray(String[]::new));

                assertThat(run.exitCode()).as("%s: %s", args, run).isEqualTo(Mip6kitCommand.EXIT_BAD_INPUT);
                assertThat(run.err()).as("%s", args)
                        .startsWith("Unknown option: '" + misspelt + "'\nDid you mean: " + name)
                        .doesNotContain("Missing required");
                checked.add(args.toArray(String[]::new));
            }
        }
        assertThat(checked).as("ha run, mn run and mn move have required options")
                .extracting(a -> String.join(" ", a))
                .contains("ha run --ocnfig value", "mn run --ocnfig value", "mn move --oca value");
    }

    @Test
    void unknownOptionIsReportedBeforeAMissingRequiredGroup() {
        CommandRun run = CommandRun.of("ha", "status", "--confg", "ha.yaml");

        assertThat(run.exitCode()).as("%s", run).isEqualTo(Mip6kitCommand.EXIT_BAD_INPUT);
        assertThat(run.err()).startsWith("Unknown option: '--confg'\nDid you mean: --config?\n");
    }

    @Test
    void aMissingRequiredOptionAloneIsStillReportedAsMissing() {
        CommandRun run = CommandRun.of("mn", "run");

        assertThat(run.exitCode()).as("%s", run).isEqualTo(Mip6kitCommand.EXIT_BAD_INPUT);
        assertThat(run.err()).startsWith("Missing required option: '--config=FILE'\n")
                .contains("Try 'mip6kit mn run --help'");
    }

    @Test
    void validCommandLinesStillParse() {
        ParseResult haRun = parse("ha", "run", "--config", "ha.yaml", "--pcap", "ha.pcap");
        assertThat(haRun.subcommand().subcommand().commandSpec().qualifiedName()).isEqualTo("mip6kit ha run");
        assertThat((Object) haRun.subcommand().subcommand().matchedOptionValue("--config", null))
                .hasToString("ha.yaml");

        ParseResult move = parse("mn", "move", "--coa", "192.0.2.10", "--config", "mn.yaml");
        assertThat(move.subcommand().subcommand().commandSpec().qualifiedName()).isEqualTo("mip6kit mn move");
        assertThat((Object) move.subcommand().subcommand().matchedOptionValue("--coa", null))
                .hasToString("192.0.2.10");

        ParseResult decode = parse("decode", "--src", "2001:db8:1::1", "--dst", "2001:db8:1::100", "3b01");
        assertThat(decode.subcommand().commandSpec().qualifiedName()).isEqualTo("mip6kit decode");
        assertThat(decode.subcommand().errors()).isEmpty();
        assertThat(decode.subcommand().unmatched()).isEmpty();
    }

    @Test
    void nearestNamesAllowATransposedPairAndPrefixesButNotAOneLetterGuess() {
        assertThat(UsageErrors.nearest("rnu", List.of("run", "status", "bindings", "reload"))).containsExactly("run");
        assertThat(UsageErrors.nearest("st", List.of("run", "status", "bindings", "reload"))).containsExactly("status");
        assertThat(UsageErrors.nearest("-x", List.of("-h", "-V", "--help"))).isEmpty();
        assertThat(UsageErrors.nearest("--jsn", Set.of("--json", "--timeout"))).containsExactly("--json");
        assertThat(UsageErrors.nearest("run", List.of("run"))).as("an exact name is no suggestion").isEmpty();
    }

    private static ParseResult parse(String... args) {
        return Mip6kitCommand.commandLine(InputStream.nullInputStream()).parseArgs(args);
    }

    private static List<CommandLine> allCommands(CommandLine root) {
        List<CommandLine> all = new ArrayList<>();
        all.add(root);
        for (CommandLine sub : root.getSubcommands().values()) {
            all.addAll(allCommands(sub));
        }
        return all;
    }

    /** The words that name {@code command} after {@code mip6kit}: {@code [ha, run]}. */
    private static List<String> path(CommandLine command) {
        List<String> words = new ArrayList<>();
        for (CommandLine c = command; c.getParent() != null; c = c.getParent()) {
            words.add(0, c.getCommandName());
        }
        return words;
    }
}
