package dev.topo.loadgen.cli;

import dev.topo.loadgen.engine.InvalidValueException;
import picocli.CommandLine;

/** Picocli's parse errors in the project's one shape: {@code --duration: '10' (expected: a duration like ...)}. */
final class OptionErrors {

    private OptionErrors() {
    }

    /** The one-line message of {@code ex}, without a prefix. */
    static String describe(CommandLine.ParameterException ex) {
        if (ex.getCause() instanceof ExpectedValueException expected
                && ex.getArgSpec() instanceof CommandLine.Model.OptionSpec option) {
            return new InvalidValueException(option.longestName(), InvalidValueException.quoted(ex.getValue()),
                    expected.expected()).getMessage();
        }
        return ex.getMessage();
    }
}
