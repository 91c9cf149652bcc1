package dev.basalt.internal.ops;

import dev.basalt.wasm.V128;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A minimal reader for the parts of the spec testsuite's {@code .wast} scripts that these tests use: top-level
 * {@code assert_return} / {@code assert_trap} directives whose action invokes an export with constant arguments.
 * It reads s-expressions and numeric literals only (no modules); the project's real WAST parser lives in
 * basalt-wasm and is not a dependency of these unit tests.
 */
final class SpecScript {
    private SpecScript() {
    }

    /** An s-expression: an atom (token or string) or a list, with the line it starts on. */
    sealed interface Sexp permits Atom, SList {
        int line();
    }

    record Atom(String text, boolean quoted, int line) implements Sexp {
    }

    record SList(List<Sexp> items, int line) implements Sexp {
        String head() {
            return items.isEmpty() || !(items.get(0) instanceof Atom a) ? "" : a.text();
        }
    }

    /** A typed constant argument or expected result; {@code nanPattern} is "canonical"/"arithmetic" per lane. */
    record Value(String type, Object value, String[] lanePatterns) {
    }

    /**
     * What an export does when its body is exactly one instruction applied to its parameters in order:
     * {@code (func (export "x") (param v128 v128) (result v128) (i8x16.shuffle 0 1 ... (local.get 0) (local.get 1)))}.
     */
    record SingleInstruction(String mnemonic, List<Long> immediates) {
    }

    /**
     * One directive: the export name, what it does if that is one instruction (else null), arguments, and either
     * expected results (alternatives) or a trap message.
     */
    record Case(String file, int line, String function, SingleInstruction instruction, List<Value> args,
            List<List<Value>> expectedAlternatives, String trapMessage) {
        String name() {
            return file + ":" + line + " " + function;
        }
    }

    /**
     * The spec testsuite directory: {@code BASALT_WASM_TESTSUITE}, else {@code basalt.shared}/wasm-testsuite, else
     * the first {@code shared/wasm-testsuite} found walking up from the working directory (worktrees live below the
     * project root, where {@code basalt.shared} does not point at the shared data).
     */
    static Path testsuite() {
        String env = System.getenv("BASALT_WASM_TESTSUITE");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        String shared = System.getProperty("basalt.shared");
        if (shared != null && !shared.isBlank() && Files.isDirectory(Path.of(shared, "wasm-testsuite"))) {
            return Path.of(shared, "wasm-testsuite");
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared").resolve("wasm-testsuite");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        return Path.of(shared != null ? shared : "../shared", "wasm-testsuite");
    }

    static List<Case> read(Path file) throws IOException {
        String text = Files.readString(file);
        List<Sexp> top = parse(text);
        List<Case> cases = new ArrayList<>();
        String name = file.getFileName().toString();
        Map<String, SingleInstruction> exports = new HashMap<>();
        for (Sexp s : top) {
            if (!(s instanceof SList list)) {
                continue;
            }
            String head = list.head();
            if (head.equals("module")) {
                exports = singleInstructionExports(list);
                continue;
            }
            if (!head.equals("assert_return") && !head.equals("assert_trap")) {
                continue;
            }
            if (!(list.items().get(1) instanceof SList action) || !action.head().equals("invoke")) {
                continue;
            }
            List<Sexp> ai = action.items();
            if (ai.size() < 2 || !(ai.get(1) instanceof Atom fn) || !fn.quoted()) {
                continue; // invoke on a named module: not used by the files we read
            }
            List<Value> args = new ArrayList<>();
            boolean ok = true;
            for (int i = 2; i < ai.size() && ok; i++) {
                Value v = constant(ai.get(i));
                ok = v != null;
                args.add(v);
            }
            if (!ok) {
                continue;
            }
            if (head.equals("assert_trap")) {
                Atom msg = (Atom) list.items().get(2);
                cases.add(new Case(name, list.line(), fn.text(), exports.get(fn.text()), args, List.of(), msg.text()));
                continue;
            }
            List<List<Value>> alternatives = new ArrayList<>();
            List<Value> results = new ArrayList<>();
            for (int i = 2; i < list.items().size() && ok; i++) {
                Sexp r = list.items().get(i);
                if (r instanceof SList e && e.head().equals("either")) {
                    for (int k = 1; k < e.items().size() && ok; k++) {
                        Value v = constant(e.items().get(k));
                        ok = v != null;
                        alternatives.add(List.of(v));
                    }
                } else {
                    Value v = constant(r);
                    ok = v != null;
                    results.add(v);
                }
            }
            if (!ok) {
                continue;
            }
            if (alternatives.isEmpty()) {
                alternatives.add(results);
            }
            cases.add(new Case(name, list.line(), fn.text(), exports.get(fn.text()), args, alternatives, null));
        }
        return cases;
    }

    /** Exports of a module whose body is one instruction over its parameters, by export name. */
    private static Map<String, SingleInstruction> singleInstructionExports(SList module) {
        Map<String, SingleInstruction> out = new HashMap<>();
        for (Sexp item : module.items()) {
            if (!(item instanceof SList func) || !func.head().equals("func")) {
                continue;
            }
            String export = null;
            int params = 0;
            List<SList> body = new ArrayList<>();
            for (Sexp part : func.items().subList(1, func.items().size())) {
                if (part instanceof SList l) {
                    switch (l.head()) {
                        case "export" -> export = ((Atom) l.items().get(1)).text();
                        case "param" -> params += (int) l.items().stream()
                                .skip(1).filter(x -> x instanceof Atom a && !a.text().startsWith("$")).count();
                        case "result", "type", "local" -> {
                        }
                        default -> body.add(l);
                    }
                } else if (part instanceof Atom a && !a.text().startsWith("$")) {
                    body.add(null); // a flat instruction: not the folded single-instruction shape
                }
            }
            if (export == null || body.size() != 1 || body.get(0) == null) {
                continue;
            }
            SingleInstruction instruction = singleInstruction(body.get(0), params);
            if (instruction != null) {
                out.put(export, instruction);
            }
        }
        return out;
    }

    private static SingleInstruction singleInstruction(SList expr, int params) {
        List<Long> immediates = new ArrayList<>();
        int nextLocal = 0;
        for (Sexp operand : expr.items().subList(1, expr.items().size())) {
            if (operand instanceof Atom a) {
                if (nextLocal > 0 || !a.text().matches("-?[0-9]+")) {
                    return null;
                }
                immediates.add(Long.parseLong(a.text()));
            } else if (operand instanceof SList l && l.head().equals("local.get") && l.items().size() == 2
                    && l.items().get(1) instanceof Atom idx && idx.text().equals(Integer.toString(nextLocal))) {
                nextLocal++;
            } else {
                return null;
            }
        }
        return nextLocal == params ? new SingleInstruction(expr.head(), List.copyOf(immediates)) : null;
    }

    // ------------------------------------------------------------------ s-expressions

    static List<Sexp> parse(String text) {
        List<Sexp> out = new ArrayList<>();
        int[] pos = {0};
        int[] line = {1};
        while (true) {
            skipSpace(text, pos, line);
            if (pos[0] >= text.length()) {
                return out;
            }
            out.add(read(text, pos, line));
        }
    }

    private static void skipSpace(String t, int[] pos, int[] line) {
        int i = pos[0];
        while (i < t.length()) {
            char c = t.charAt(i);
            if (c == '\n') {
                line[0]++;
                i++;
            } else if (Character.isWhitespace(c)) {
                i++;
            } else if (c == ';' && i + 1 < t.length() && t.charAt(i + 1) == ';') {
                while (i < t.length() && t.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '(' && i + 1 < t.length() && t.charAt(i + 1) == ';') {
                int depth = 1;
                i += 2;
                while (i < t.length() && depth > 0) {
                    if (t.startsWith("(;", i)) {
                        depth++;
                        i += 2;
                    } else if (t.startsWith(";)", i)) {
                        depth--;
                        i += 2;
                    } else {
                        if (t.charAt(i) == '\n') {
                            line[0]++;
                        }
                        i++;
                    }
                }
            } else {
                break;
            }
        }
        pos[0] = i;
    }

    private static Sexp read(String t, int[] pos, int[] line) {
        int startLine = line[0];
        char c = t.charAt(pos[0]);
        if (c == '(') {
            pos[0]++;
            List<Sexp> items = new ArrayList<>();
            while (true) {
                skipSpace(t, pos, line);
                if (pos[0] >= t.length()) {
                    return new SList(items, startLine);
                }
                if (t.charAt(pos[0]) == ')') {
                    pos[0]++;
                    return new SList(items, startLine);
                }
                items.add(read(t, pos, line));
            }
        }
        if (c == '"') {
            StringBuilder sb = new StringBuilder();
            int i = pos[0] + 1;
            while (i < t.length() && t.charAt(i) != '"') {
                if (t.charAt(i) == '\\') {
                    sb.append(t.charAt(i + 1));
                    i += 2;
                } else {
                    sb.append(t.charAt(i++));
                }
            }
            pos[0] = i + 1;
            return new Atom(sb.toString(), true, startLine);
        }
        int i = pos[0];
        while (i < t.length() && !Character.isWhitespace(t.charAt(i)) && t.charAt(i) != '(' && t.charAt(i) != ')') {
            i++;
        }
        String tok = t.substring(pos[0], i);
        pos[0] = i;
        return new Atom(tok, false, startLine);
    }

    // ------------------------------------------------------------------ constants

    /** A {@code (T.const ...)} form as a Value, or null if it is something else (references, ...). */
    static Value constant(Sexp s) {
        if (!(s instanceof SList l) || l.items().size() < 2) {
            return null;
        }
        String head = l.head();
        List<String> toks = new ArrayList<>();
        for (int i = 1; i < l.items().size(); i++) {
            if (!(l.items().get(i) instanceof Atom a)) {
                return null;
            }
            toks.add(a.text());
        }
        switch (head) {
            case "i32.const":
                return new Value("i32", (int) parseInt(toks.get(0)), null);
            case "i64.const":
                return new Value("i64", parseInt(toks.get(0)), null);
            case "f32.const": {
                String p = nanPattern(toks.get(0));
                return new Value("f32", p != null ? 0 : parseF32(toks.get(0)), p == null ? null : new String[] {p});
            }
            case "f64.const": {
                String p = nanPattern(toks.get(0));
                return new Value("f64", p != null ? 0L : parseF64(toks.get(0)), p == null ? null : new String[] {p});
            }
            case "v128.const":
                return v128(toks);
            default:
                return null;
        }
    }

    private static String nanPattern(String tok) {
        String t = tok.startsWith("+") || tok.startsWith("-") ? tok.substring(1) : tok;
        return switch (t) {
            case "nan:canonical" -> "canonical";
            case "nan:arithmetic" -> "arithmetic";
            default -> null;
        };
    }

    private static Value v128(List<String> toks) {
        String shape = toks.get(0);
        int lanes = switch (shape) {
            case "i8x16" -> 16;
            case "i16x8" -> 8;
            case "i32x4", "f32x4" -> 4;
            case "i64x2", "f64x2" -> 2;
            default -> throw new IllegalArgumentException(shape);
        };
        int laneBytes = 16 / lanes;
        byte[] bytes = new byte[16];
        String[] patterns = new String[lanes];
        boolean anyPattern = false;
        for (int i = 0; i < lanes; i++) {
            String tok = toks.get(1 + i);
            long bits;
            String p = nanPattern(tok);
            if (p != null) {
                patterns[i] = p;
                anyPattern = true;
                bits = 0;
            } else if (shape.equals("f32x4")) {
                bits = parseF32(tok) & 0xFFFF_FFFFL;
            } else if (shape.equals("f64x2")) {
                bits = parseF64(tok);
            } else {
                bits = parseInt(tok);
            }
            for (int b = 0; b < laneBytes; b++) {
                bytes[i * laneBytes + b] = (byte) (bits >>> (8 * b));
            }
        }
        return new Value("v128:" + shape, V128.ofBytes(bytes), anyPattern ? patterns : null);
    }

    static long parseInt(String tok) {
        String t = tok.replace("_", "");
        boolean neg = t.startsWith("-");
        if (t.startsWith("-") || t.startsWith("+")) {
            t = t.substring(1);
        }
        BigInteger v = t.startsWith("0x") ? new BigInteger(t.substring(2), 16) : new BigInteger(t);
        return (neg ? v.negate() : v).longValue();
    }

    /** f32 literal to raw bits. */
    static int parseF32(String tok) {
        String t = tok.replace("_", "");
        int sign = 0;
        if (t.startsWith("-")) {
            sign = 0x8000_0000;
            t = t.substring(1);
        } else if (t.startsWith("+")) {
            t = t.substring(1);
        }
        if (t.equals("inf")) {
            return sign | 0x7F80_0000;
        }
        if (t.equals("nan")) {
            return sign | 0x7FC0_0000;
        }
        if (t.startsWith("nan:0x")) {
            return sign | 0x7F80_0000 | Integer.parseInt(t.substring(6), 16);
        }
        return sign | Float.floatToRawIntBits(Float.parseFloat(javaFloatLiteral(t)));
    }

    /** f64 literal to raw bits. */
    static long parseF64(String tok) {
        String t = tok.replace("_", "");
        long sign = 0;
        if (t.startsWith("-")) {
            sign = Long.MIN_VALUE;
            t = t.substring(1);
        } else if (t.startsWith("+")) {
            t = t.substring(1);
        }
        if (t.equals("inf")) {
            return sign | 0x7FF0_0000_0000_0000L;
        }
        if (t.equals("nan")) {
            return sign | 0x7FF8_0000_0000_0000L;
        }
        if (t.startsWith("nan:0x")) {
            return sign | 0x7FF0_0000_0000_0000L | Long.parseLong(t.substring(6), 16);
        }
        return sign | Double.doubleToRawLongBits(Double.parseDouble(javaFloatLiteral(t)));
    }

    /** Java needs a binary exponent on hex floats. */
    private static String javaFloatLiteral(String t) {
        String lower = t.toLowerCase(Locale.ROOT);
        if (lower.startsWith("0x") && !lower.contains("p")) {
            return t + "p0";
        }
        return t;
    }
}
