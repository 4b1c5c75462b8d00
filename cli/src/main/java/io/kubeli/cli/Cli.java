package io.kubeli.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

/**
 * The one command-line parser of every KubeLI program (picocli): one help style on stdout (exit 0, nothing
 * started), a bad option is one line on stderr naming it (exit {@link #USAGE}).
 *
 * <p>A program declares its options as a picocli {@code @Command} object whose {@code name} is the command as the
 * user types it (e.g. {@code kubeli collector}); {@code -h/--help} is added here, so every program has it.
 */
public final class Cli {
    /** Exit status of a bad command line or configuration. */
    public static final int USAGE = 2;

    private static final int WIDTH = 120;
    /** Option column width: long enough for {@code --radius-identity=user|calling-station-id|both}. */
    private static final int LONG_OPTIONS = 36;

    private Cli() {}

    /** A bad command line; the message names the option and fits on one line. */
    public static final class UsageException extends IllegalArgumentException {
        public UsageException(String message) {
            super(message);
        }
    }

    /**
     * Parses {@code args} into the fields of {@code options}; returns false when help was asked for (and
     * printed on {@code out}): the caller then exits 0 without starting anything.
     *
     * @throws UsageException on an unknown option, a missing or ill-typed value
     */
    public static boolean parse(Object options, String[] args, PrintStream out) {
        CommandLine cl = commandLine(options);
        try {
            cl.parseArgs(args);
        } catch (ParameterException e) {
            throw new UsageException(oneLine(e.getMessage()));
        }
        if (cl.isUsageHelpRequested()) {
            out.print(cl.getUsageMessage());
            out.flush();
            return false;
        }
        return true;
    }

    /** The help text of {@code options}, as {@code --help} prints it. */
    public static String usage(Object options) {
        return commandLine(options).getUsageMessage();
    }

    /**
     * Parses and, on a usage error, prints {@code COMMAND: message} as one line on {@code err}.
     *
     * @return {@code null} to go on, else the exit status (0 after help, {@link #USAGE} after an error)
     */
    public static Integer parseOrExit(Object options, String[] args, PrintStream out, PrintStream err) {
        try {
            return parse(options, args, out) ? null : 0;
        } catch (UsageException e) {
            return fail(err, name(options), e.getMessage());
        }
    }

    /** Prints {@code COMMAND: message} on one line and returns {@link #USAGE}. */
    public static int fail(PrintStream err, String command, String message) {
        err.println(command + ": " + oneLine(message) + " (see --help)");
        err.flush();
        return USAGE;
    }

    /** The command name of an options object ({@code @Command(name = ...)}). */
    public static String name(Object options) {
        return commandLine(options).getCommandName();
    }

    /** {@code value} if within {@code [min, max]}, else a {@link UsageException} naming the option. */
    public static int range(String option, int value, int min, int max) {
        if (value < min || value > max) {
            throw new UsageException(option + " must be between " + min + " and " + max + " (got " + value + ")");
        }
        return value;
    }

    /** {@code value} if within {@code [min, max]}, else a {@link UsageException} naming the option. */
    public static long range(String option, long value, long min, long max) {
        if (value < min || value > max) {
            throw new UsageException(option + " must be between " + min + " and " + max + " (got " + value + ")");
        }
        return value;
    }

    /** One picocli command line, configured the same way for every program. */
    static CommandLine commandLine(Object options) {
        CommandLine cl = new CommandLine(options);
        CommandSpec spec = cl.getCommandSpec();
        if (spec.findOption("--help") == null) {
            spec.addOption(OptionSpec.builder("-h", "--help")
                    .usageHelp(true)
                    .description("print this help and exit (starts nothing)")
                    .build());
        }
        if (spec.usageMessage().parameterListHeading().isEmpty()) {
            spec.usageMessage().parameterListHeading("Arguments:%n");
        }
        spec.usageMessage()
                .sortOptions(false)
                .width(WIDTH)
                .autoWidth(false)
                .longOptionsMaxWidth(LONG_OPTIONS)
                .abbreviateSynopsis(true);
        cl.setOverwrittenOptionsAllowed(true); // the last of a repeated single-value option wins, as before
        cl.setExpandAtFiles(false); // "@file" is a file name, never an argument list
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setErr(new PrintWriter(java.io.Writer.nullWriter()));
        return cl;
    }

    private static String oneLine(String s) {
        return s == null ? "invalid command line" : s.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
