package dev.basalt.cli;

import dev.basalt.Config;
import dev.basalt.Engine;
import dev.basalt.Func;
import dev.basalt.Instance;
import dev.basalt.Linker;
import dev.basalt.Module;
import dev.basalt.Store;
import dev.basalt.Trap;
import dev.basalt.Val;
import dev.basalt.WasmException;
import dev.basalt.wasm.NumType;
import dev.basalt.wasm.ValType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code basalt run FILE [--invoke NAME] [ARGS...]}: instantiates a module (binary or text) and calls an export,
 * printing each result on its own line. A trap prints the trap and its Wasm backtrace to stderr.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Instantiate a module and call an export (default: _start if exported), printing its results.")
final class RunCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "A .wasm or .wat module.")
    Path file;

    @Parameters(index = "1..*", paramLabel = "ARGS", description = "Arguments of the invoked function.")
    List<String> args = new ArrayList<>();

    @Option(names = "--invoke", paramLabel = "NAME", description = "The exported function to call.")
    String invoke;

    @Option(names = "--fuel", paramLabel = "N", description = "Stop with a trap after about N units of fuel.")
    Long fuel;

    @Option(names = "--timeout", paramLabel = "DURATION", description = "Stop with a trap after this long, e.g. 500ms, 2s, 1m.")
    String timeout;

    @Option(names = "--max-memory", paramLabel = "SIZE", description = "Cap each linear memory, e.g. 64MiB, 1GiB, 65536.")
    String maxMemory;

    @Option(names = "--engine", paramLabel = "ENGINE", description = "Execution engine: interpreter (the default).")
    String engineName = "interpreter";

    @Override
    public Integer call() {
        if (!engineName.equals("interpreter")) {
            throw new Main.CliException("unknown engine: " + engineName + " (available: interpreter)", Main.USAGE);
        }
        Config.Builder config = Config.builder().strategy(Config.Strategy.INTERPRETER);
        if (maxMemory != null) {
            config.maxMemoryBytes(parseSize(maxMemory));
        }
        Engine engine = Engine.create(config.build());
        Module module = Module.fromModel(engine, ModuleFiles.parse(ModuleFiles.read(file)));
        Store<Void> store = Store.create(engine);
        if (fuel != null) {
            store.setFuel(fuel);
        }
        if (timeout != null) {
            store.setDeadline(parseDuration(timeout));
        }
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        try {
            Instance instance = Linker.<Void>create(engine).instantiate(store, module);
            String name = invoke;
            if (name == null) {
                if (instance.getFunc("_start").isEmpty()) {
                    return Main.OK;
                }
                name = "_start";
            }
            String target = name;
            Func func = instance.getFunc(name).orElseThrow(
                    () -> new Main.CliException("no exported function named " + target, Main.USAGE));
            List<ValType> params = func.type().params();
            if (params.size() != args.size()) {
                throw new Main.CliException(name + " takes " + params.size() + " arguments, got " + args.size(), Main.USAGE);
            }
            Val[] in = new Val[params.size()];
            for (int i = 0; i < in.length; i++) {
                in[i] = parseArg(params.get(i), args.get(i));
            }
            for (Val v : func.call(in)) {
                out.println(format(v));
            }
            return Main.OK;
        } catch (Trap t) {
            err.println(t.describe());
            return Main.PROBLEM;
        } catch (WasmException e) {
            err.println("wasm exception: uncaught exception with payload " + e.payload());
            return Main.PROBLEM;
        } finally {
            store.cancelDeadline();
        }
    }

    static Val parseArg(ValType type, String text) {
        try {
            if (type instanceof NumType n) {
                return switch (n) {
                    case I32 -> Val.i32((int) parseInteger(text, true));
                    case I64 -> Val.i64(parseInteger(text, false));
                    case F32 -> Val.f32(Float.parseFloat(text));
                    case F64 -> Val.f64(Double.parseDouble(text));
                    case V128 -> throw new Main.CliException("v128 arguments are not supported", Main.USAGE);
                };
            }
        } catch (NumberFormatException e) {
            throw new Main.CliException("not a valid " + type + ": " + text, Main.USAGE);
        }
        throw new Main.CliException("reference arguments are not supported (" + type + ")", Main.USAGE);
    }

    private static long parseInteger(String text, boolean i32) {
        String t = text.replace("_", "");
        boolean neg = t.startsWith("-");
        String digits = neg || t.startsWith("+") ? t.substring(1) : t;
        long v = digits.startsWith("0x") || digits.startsWith("0X")
                ? Long.parseUnsignedLong(digits.substring(2), 16) : Long.parseUnsignedLong(digits);
        v = neg ? -v : v;
        if (i32 && (v < Integer.MIN_VALUE || v > 0xFFFF_FFFFL)) {
            throw new NumberFormatException(text);
        }
        return v;
    }

    static String format(Val v) {
        return switch (v) {
            case Val.I32 i -> Integer.toString(i.value());
            case Val.I64 i -> Long.toString(i.value());
            case Val.F32 f -> Float.toString(f.value());
            case Val.F64 f -> Double.toString(f.value());
            case Val.V128 x -> String.format("0x%016x%016x", x.hi(), x.lo());
            case Val.FuncRef f -> f.isNull() ? "null funcref" : "funcref";
            case Val.ExternRef e -> e.isNull() ? "null externref" : "externref";
            case Val.AnyRef a -> a.isNull() ? "null anyref" : "anyref";
            case Val.ExnRef e -> e.isNull() ? "null exnref" : "exnref";
        };
    }

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)?");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?");

    static Duration parseDuration(String text) {
        Matcher m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new Main.CliException("not a duration: " + text + " (use e.g. 500ms, 2s, 1m)", Main.USAGE);
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofSeconds(n);
        };
    }

    static long parseSize(String text) {
        Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new Main.CliException("not a size: " + text + " (use e.g. 65536, 64MiB, 1GiB)", Main.USAGE);
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "b" : m.group(2);
        int shift = switch (unit.charAt(0)) {
            case 'k' -> 10;
            case 'm' -> 20;
            case 'g' -> 30;
            default -> 0;
        };
        return n << shift;
    }
}
