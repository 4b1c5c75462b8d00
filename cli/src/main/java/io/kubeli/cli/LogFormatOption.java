package io.kubeli.cli;

import picocli.CommandLine.Option;

/** {@code --log-format text|json} of the collector and mediator, declared once: {@code @Mixin LogFormatOption log}. */
public final class LogFormatOption {
    @Option(
            names = "--log-format",
            paramLabel = "text|json",
            description = "log lines on stderr: text, or json (one"
                    + " object per line: time, level, logger, message) [default: text]")
    String value = "text";

    /** The chosen format; an unknown one is a {@link Cli.UsageException} naming the option. */
    public LogFormat format() {
        return LogFormat.of("--log-format", value);
    }
}
