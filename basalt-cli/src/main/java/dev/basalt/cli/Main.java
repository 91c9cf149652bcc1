package dev.basalt.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code basalt} command. Subcommands live in their own classes; this class wires them up and turns every
 * error into a one-line message (a stack trace only with {@code --debug}).
 *
 * <p>Exit codes: 0 success, 1 the command ran and found a problem (a failed assertion, an invalid module),
 * 2 the command line was wrong or a file could not be read.
 */
@Command(name = "basalt", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "WebAssembly for the JVM.",
        subcommands = {RunCommand.class, CompileCommand.class, WastCommand.class, ValidateCommand.class, InspectCommand.class,
                WitCommand.class, BindgenCommand.class, ServeCommand.class, CallCommand.class,
                RegistryCommand.class, CommandLine.HelpCommand.class})
public final class Main {
    static final int OK = 0;
    static final int PROBLEM = 1;
    static final int USAGE = 2;

    @Option(names = "--debug", scope = ScopeType.INHERIT, description = "Print stack traces of unexpected errors.")
    boolean debug;

    /** True when running as the process's own command: guests then use the real stdin/stdout/stderr. */
    static boolean systemStdio;

    public static void main(String[] args) {
        systemStdio = true;
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line and returns the exit code; output goes to {@code out} and {@code err}. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        Main main = new Main();
        CommandLine cl = new CommandLine(main);
        // `basalt run prog.wasm --verbose`: options basalt does not know belong to the guest (use -- for the rest).
        cl.getSubcommands().get("run").setUnmatchedOptionsArePositionalParams(true);
        // no picocli @-files: `basalt run prog.wasm @x` passes "@x" to the guest as wasmtime does, and
        // `basalt serve --sqlite @migration.sql` names a file of SQL as spin up does
        cl.setExpandAtFiles(false);
        cl.setOut(out);
        cl.setErr(err);
        cl.setExitCodeExceptionMapper(t -> t instanceof CliException c ? c.exitCode : PROBLEM);
        cl.setParameterExceptionHandler((ex, a) -> {
            err.println("basalt: " + ex.getMessage());
            err.println("Try 'basalt " + (ex.getCommandLine() == cl ? "" : ex.getCommandLine().getCommandName() + " ")
                    + "--help'.");
            return USAGE;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof CliException c) {
                err.println("basalt: " + c.getMessage());
                return c.exitCode;
            }
            err.println("basalt: " + oneLine(ex));
            if (main.debug) {
                ex.printStackTrace(err);
            } else if (!(ex instanceof dev.basalt.wasm.BasaltException)) {
                err.println("(run with --debug for the stack trace)");
            }
            return PROBLEM;
        });
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /** An error message without the exception's class name for Basalt's own exceptions. */
    static String oneLine(Throwable t) {
        if (t instanceof dev.basalt.wasm.MalformedException m) {
            return "malformed: " + m.getMessage();
        }
        if (t instanceof dev.basalt.wasm.InvalidException i) {
            return "invalid: " + i.getMessage();
        }
        if (t instanceof dev.basalt.wasm.BasaltException) {
            return t.getMessage();
        }
        return "internal error: " + t;
    }

    /** The version from the build. */
    static String version() {
        return buildProperty("version");
    }

    /**
     * The commit the build was made from ({@code git describe}: an abbreviated id, {@code -dirty} when the checkout
     * had uncommitted changes), or {@code unknown} (built without git or outside a repository).
     */
    static String commit() {
        return buildProperty("commit");
    }

    /** A property of version.properties, which the build filled in; {@code unknown} where it did not. */
    private static String buildProperty(String name) {
        try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            String value = p.getProperty(name, "unknown").trim();
            // an unfiltered placeholder (a build that skipped resource filtering or the git step)
            return value.isEmpty() || value.startsWith("${") ? "unknown" : value;
        } catch (IOException e) {
            return "unknown";
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"basalt " + version() + " (commit " + commit() + ", Java " + Runtime.version() + ")"};
        }
    }

    /**
     * {@code arg} of a NAME=VALUE option split at its first '=' (the value may hold more); a missing '=' or an empty
     * name is a usage error whose message is {@code problem} followed by {@code arg}.
     */
    static java.util.Map.Entry<String, String> nameValue(String arg, String problem) {
        int eq = arg.indexOf('=');
        if (eq <= 0) {
            throw new CliException(problem + arg, USAGE);
        }
        return java.util.Map.entry(arg.substring(0, eq), arg.substring(eq + 1));
    }

    /** A failure the user caused or should act on, with a ready message and exit code. */
    static final class CliException extends RuntimeException {
        final int exitCode;

        CliException(String message, int exitCode) {
            super(message);
            this.exitCode = exitCode;
        }
    }
}
