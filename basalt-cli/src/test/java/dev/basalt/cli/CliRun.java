package dev.basalt.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** One in-process run of the {@code basalt} command: its exit code and what it printed to stdout and stderr. */
record CliRun(int code, String out, String err) {
    static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new CliRun(code, out.toString(), err.toString());
    }
}
