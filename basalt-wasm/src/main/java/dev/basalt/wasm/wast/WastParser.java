package dev.basalt.wasm.wast;

import dev.basalt.wasm.AbsHeapType;
import dev.basalt.wasm.HeapType;
import dev.basalt.wasm.MalformedException;
import dev.basalt.wasm.NumType;
import dev.basalt.wasm.text.Lexer;
import dev.basalt.wasm.text.Numbers;
import dev.basalt.wasm.text.Token;
import dev.basalt.wasm.text.TokenCursor;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Parses a WAST script (the spec testsuite's format) into a {@link WastScript}.
 *
 * <p>Modules are not parsed here: an inline {@code (module ...)} keeps its exact source text
 * ({@link ModuleSource.Text}), so that a runner parses it when it needs it and {@code assert_malformed} sees exactly
 * that module's error. Parsing is iterative where input controls the depth (module forms are skipped with a
 * precomputed parenthesis table) and depth-limited elsewhere ({@code either} nesting), so hostile input only ever
 * raises {@link MalformedException}.
 *
 * {@snippet :
 * WastScript script = WastParser.parse("i32.wast", Files.readAllBytes(path));
 * }
 */
public final class WastParser extends TokenCursor {
    private static final int MAX_RESULT_NESTING = 64;

    private final String fileName;
    private final int[] lineStarts;

    private WastParser(String fileName, String source) {
        super(source, lex(fileName, source));
        this.fileName = fileName;
        this.lineStarts = Lexer.lineStarts(source);
    }

    private static List<Token> lex(String fileName, String source) {
        try {
            return Lexer.lex(source).tokens();
        } catch (MalformedException e) {
            throw new MalformedException(fileName + ": " + e.reason(), e.offset());
        }
    }

    /** Parses a script; {@code content} is the file's bytes (UTF-8). */
    public static WastScript parse(String fileName, byte[] content) {
        return parse(fileName, Lexer.decode(content));
    }

    /** Parses a script from text. */
    public static WastScript parse(String fileName, String text) {
        return new WastParser(fileName, text).script();
    }

    private static final java.util.Set<String> MODULE_FIELDS = java.util.Set.of("type", "rec", "import", "func",
            "table", "memory", "global", "tag", "export", "start", "elem", "data");

    private WastScript script() {
        if (peek().is(Token.Kind.LPAR) && peek(1).is(Token.Kind.KEYWORD) && MODULE_FIELDS.contains(peek(1).text())) {
            // A file that is a bare module (its fields without the enclosing (module ...)), as the spec allows.
            return new WastScript(fileName, List.of(new Directive.Module(line(peek()),
                    new ModuleSource.Text(Optional.empty(), source), false)));
        }
        List<Directive> directives = new ArrayList<>();
        while (!peek().is(Token.Kind.EOF)) {
            directives.add(directive());
        }
        return new WastScript(fileName, directives);
    }

    // ---- cursor (TokenCursor, with this script's file name in messages) ----

    @Override
    protected MalformedException error(Token t, String message) {
        return new MalformedException(message + " at " + fileName + ":" + Lexer.position(source, t.start()),
                t.start());
    }

    @Override
    protected MalformedException unexpected(Token t) {
        return error(t, t.is(Token.Kind.EOF) ? "unexpected end of input" : "unexpected token");
    }

    private Optional<String> maybeId() {
        return Optional.ofNullable(optionalId());
    }

    private int line(Token t) {
        return Lexer.line(lineStarts, t.start());
    }

    // ---- directives ----

    private Directive directive() {
        Token open = peek();
        if (!open.is(Token.Kind.LPAR)) {
            throw unexpected(open);
        }
        Token kw = peek(1);
        if (!kw.is(Token.Kind.KEYWORD)) {
            throw unexpected(kw);
        }
        int line = line(open);
        switch (kw.text()) {
            case "module" -> {
                if (peek(2).isKeyword("instance")) {
                    p += 3;
                    Optional<String> instance = maybeId();
                    Optional<String> module = maybeId();
                    expect(Token.Kind.RPAR);
                    return new Directive.ModuleInstance(line, instance, module);
                }
                boolean definition = peek(2).isKeyword("definition");
                return new Directive.Module(line, module(), definition);
            }
            case "component" -> {
                if (peek(2).isKeyword("instance")) {
                    // (component instance $I $C): instantiate a component definition
                    p += 3;
                    Optional<String> instance = maybeId();
                    Optional<String> module = maybeId();
                    expect(Token.Kind.RPAR);
                    return new Directive.ModuleInstance(line, instance, module);
                }
                boolean definition = peek(2).isKeyword("definition");
                return new Directive.Module(line, module(), definition);
            }
            case "register" -> {
                p += 2;
                String as = name();
                Optional<String> module = maybeId();
                expect(Token.Kind.RPAR);
                return new Directive.Register(line, as, module);
            }
            case "invoke", "get" -> {
                return new Directive.ActionDirective(line, action());
            }
            case "assert_return" -> {
                p += 2;
                Action a = action();
                List<WastResult> results = new ArrayList<>();
                while (!peek().is(Token.Kind.RPAR)) {
                    results.add(result(0));
                }
                expect(Token.Kind.RPAR);
                return new Directive.AssertReturn(line, a, results);
            }
            case "assert_trap" -> {
                p += 2;
                // (assert_trap (module ...) "msg") and, in the component-model suite, (assert_trap (component ...))
                if (atForm("module") || atForm("component")) {
                    ModuleSource m = module();
                    String msg = name();
                    expect(Token.Kind.RPAR);
                    return new Directive.AssertModuleTrap(line, m, msg);
                }
                Action a = action();
                String msg = name();
                expect(Token.Kind.RPAR);
                return new Directive.AssertTrap(line, a, msg);
            }
            case "assert_exhaustion" -> {
                p += 2;
                Action a = action();
                String msg = name();
                expect(Token.Kind.RPAR);
                return new Directive.AssertExhaustion(line, a, msg);
            }
            case "assert_exception" -> {
                p += 2;
                Action a = action();
                expect(Token.Kind.RPAR);
                return new Directive.AssertException(line, a);
            }
            case "assert_malformed", "assert_malformed_custom" -> {
                p += 2;
                ModuleSource m = module();
                String msg = name();
                expect(Token.Kind.RPAR);
                return new Directive.AssertMalformed(line, m, msg, kw.text().endsWith("_custom"));
            }
            case "assert_invalid", "assert_invalid_custom" -> {
                p += 2;
                ModuleSource m = module();
                String msg = name();
                expect(Token.Kind.RPAR);
                return new Directive.AssertInvalid(line, m, msg, kw.text().endsWith("_custom"));
            }
            case "assert_unlinkable" -> {
                p += 2;
                ModuleSource m = module();
                String msg = name();
                expect(Token.Kind.RPAR);
                return new Directive.AssertUnlinkable(line, m, msg);
            }
            default -> throw unexpected(kw);
        }
    }

    /**
     * {@code (module definition? $id? ...)} in its text, binary or quote form, or a
     * {@code (component definition? $id? ...)}.
     */
    private ModuleSource module() {
        Token open = peek();
        if (atForm("component")) {
            return component();
        }
        if (!atForm("module")) {
            throw unexpected(peek().is(Token.Kind.LPAR) ? peek(1) : peek());
        }
        int end = closeIndex(p);
        if (end < 0) {
            throw error(open, "unexpected end of input");
        }
        p += 2;
        if (peek().isKeyword("definition")) {
            p++;
        }
        Optional<String> id = maybeId();
        if (peek().isKeyword("binary") || peek().isKeyword("quote")) {
            boolean binary = next().text().equals("binary");
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            while (peek().is(Token.Kind.STRING)) {
                bytes.writeBytes(next().bytes());
            }
            expect(Token.Kind.RPAR);
            if (binary) {
                return new ModuleSource.Binary(id, bytes.toByteArray());
            }
            return new ModuleSource.Quote(id, Lexer.decode(bytes.toByteArray()));
        }
        Token close = tokens.get(end);
        p = end + 1;
        return new ModuleSource.Text(id, source.substring(open.start(), close.end()));
    }

    /** {@code (component definition? $id? ...)}: kept as source text, plus the bytes of the binary form. */
    private ModuleSource component() {
        Token open = peek();
        int end = closeIndex(p);
        if (end < 0) {
            throw error(open, "unexpected end of input");
        }
        p += 2;
        if (peek().isKeyword("definition")) {
            p++;
        }
        Optional<String> id = maybeId();
        Optional<byte[]> binary = Optional.empty();
        if (peek().isKeyword("binary")) {
            p++;
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            while (peek().is(Token.Kind.STRING)) {
                bytes.writeBytes(next().bytes());
            }
            binary = Optional.of(bytes.toByteArray());
        } else if (peek().isKeyword("quote")) {
            // (component quote "..."*): the strings are the component's fields
            p++;
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            while (peek().is(Token.Kind.STRING)) {
                bytes.writeBytes(next().bytes());
                bytes.write(' ');
            }
            expect(Token.Kind.RPAR);
            return new ModuleSource.Component(id, "(component " + Lexer.decode(bytes.toByteArray()) + ")",
                    Optional.empty());
        }
        Token close = tokens.get(end);
        p = end + 1;
        return new ModuleSource.Component(id, source.substring(open.start(), close.end()), binary);
    }

    private Action action() {
        Token open = peek();
        if (atForm("invoke")) {
            p += 2;
            Optional<String> module = maybeId();
            String name = name();
            List<WastValue> args = new ArrayList<>();
            while (!peek().is(Token.Kind.RPAR)) {
                args.add(value());
            }
            expect(Token.Kind.RPAR);
            return new Action.Invoke(module, name, args);
        }
        if (atForm("get")) {
            p += 2;
            Optional<String> module = maybeId();
            String name = name();
            expect(Token.Kind.RPAR);
            return new Action.Get(module, name);
        }
        throw unexpected(open.is(Token.Kind.LPAR) ? peek(1) : open);
    }

    // ---- values and results ----

    private WastValue value() {
        expect(Token.Kind.LPAR);
        Token kw = next();
        if (!kw.is(Token.Kind.KEYWORD)) {
            throw unexpected(kw);
        }
        WastValue v = switch (kw.text()) {
            case "i32.const" -> new WastValue.I32((int) intLiteral(32));
            case "i64.const" -> new WastValue.I64(intLiteral(64));
            case "f32.const" -> new WastValue.F32(f32(next()));
            case "f64.const" -> new WastValue.F64(f64(next()));
            case "v128.const" -> {
                Token shape = next();
                int n = Numbers.laneCount(shape.text());
                if (n < 0) {
                    throw unexpected(shape);
                }
                List<String> lanes = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    lanes.add(literalToken().text());
                }
                try {
                    yield new WastValue.Vec(Numbers.v128(shape.text(), lanes));
                } catch (Numbers.NumberException e) {
                    throw error(shape, e.getMessage());
                }
            }
            case "ref.null" -> new WastValue.RefNull(heapType());
            case "ref.extern" -> new WastValue.RefExtern(u64());
            case "ref.host" -> new WastValue.RefHost(u64());
            default -> componentValue(kw, 0);
        };
        expect(Token.Kind.RPAR);
        return v;
    }

    /**
     * The body of a component value form after its keyword ({@code u8.const 1}, {@code str.const "s"},
     * {@code list.const (u8.const 1)*}, ...), up to but not including its closing parenthesis.
     */
    private WastValue componentValue(Token kw, int depth) {
        if (depth > MAX_RESULT_NESTING) {
            throw error(kw, "values nested too deeply");
        }
        return switch (kw.text()) {
            case "bool.const" -> {
                Token t = next();
                if (!t.isKeyword("true") && !t.isKeyword("false")) {
                    throw unexpected(t);
                }
                yield new WastValue.Bool(t.text().equals("true"));
            }
            case "s8.const", "u8.const", "s16.const", "u16.const", "s32.const", "u32.const", "s64.const",
                 "u64.const" -> {
                WastValue.IntType type = WastValue.IntType.valueOf(
                        kw.text().substring(0, kw.text().indexOf('.')).toUpperCase(java.util.Locale.ROOT));
                yield new WastValue.Int(type, componentInt(type));
            }
            case "char.const" -> {
                Token t = peek();
                String s = name();
                if (s.codePointCount(0, s.length()) != 1) {
                    throw error(t, "expected a single character");
                }
                yield new WastValue.Char(s.codePointAt(0));
            }
            case "str.const" -> new WastValue.Str(name());
            case "list.const" -> new WastValue.ListOf(nestedValues(depth));
            case "tuple.const" -> new WastValue.TupleOf(nestedValues(depth));
            case "record.const" -> {
                List<WastValue.Field> fields = new ArrayList<>();
                while (atForm("field")) {
                    p += 2;
                    String name = name();
                    // the field's value may be written with or without its own parentheses
                    WastValue v;
                    if (peek().is(Token.Kind.LPAR)) {
                        v = nestedValue(depth);
                    } else {
                        v = componentValue(next(), depth + 1);
                    }
                    expect(Token.Kind.RPAR);
                    fields.add(new WastValue.Field(name, v));
                }
                yield new WastValue.RecordOf(fields);
            }
            case "variant.const" -> {
                String name = name();
                Optional<WastValue> payload = peek().is(Token.Kind.RPAR) ? Optional.empty()
                        : Optional.of(nestedValue(depth));
                yield new WastValue.VariantOf(name, payload);
            }
            case "enum.const" -> new WastValue.EnumOf(name());
            case "option.none" -> new WastValue.OptionOf(Optional.empty());
            case "option.some" -> new WastValue.OptionOf(Optional.of(nestedValue(depth)));
            case "result.ok", "result.err" -> new WastValue.ResultOf(kw.text().equals("result.ok"),
                    peek().is(Token.Kind.RPAR) ? Optional.empty() : Optional.of(nestedValue(depth)));
            case "flags.const" -> {
                List<String> labels = new ArrayList<>();
                while (peek().is(Token.Kind.STRING)) {
                    labels.add(name());
                }
                yield new WastValue.FlagsOf(labels);
            }
            case "f32.const" -> new WastValue.F32(f32(next()));
            case "f64.const" -> new WastValue.F64(f64(next()));
            default -> throw unexpected(kw);
        };
    }

    /** {@code (value)} inside a component value. */
    private WastValue nestedValue(int depth) {
        expect(Token.Kind.LPAR);
        Token kw = next();
        if (!kw.is(Token.Kind.KEYWORD)) {
            throw unexpected(kw);
        }
        WastValue v = componentValue(kw, depth + 1);
        expect(Token.Kind.RPAR);
        return v;
    }

    private List<WastValue> nestedValues(int depth) {
        List<WastValue> out = new ArrayList<>();
        while (!peek().is(Token.Kind.RPAR)) {
            out.add(nestedValue(depth));
        }
        return out;
    }

    private long componentInt(WastValue.IntType type) {
        Token t = next();
        if (!t.is(Token.Kind.NAT) && !t.is(Token.Kind.INT)) {
            throw unexpected(t);
        }
        boolean signed = switch (type) {
            case S8, S16, S32, S64 -> true;
            default -> false;
        };
        int bits = switch (type) {
            case S8, U8 -> 8;
            case S16, U16 -> 16;
            case S32, U32 -> 32;
            case S64, U64 -> 64;
        };
        if (!signed && t.is(Token.Kind.INT) && t.text().startsWith("-")) {
            throw error(t, "constant out of range");
        }
        long v;
        try {
            v = Numbers.parseInt(t.text(), bits);
        } catch (Numbers.NumberException e) {
            throw error(t, e.getMessage());
        }
        if (bits == 64) {
            return v;
        }
        // Numbers.parseInt accepts both signed and unsigned spellings; normalise to the type's range
        long mask = (1L << bits) - 1;
        long raw = v & mask;
        if (signed && (raw & (1L << (bits - 1))) != 0) {
            return raw | ~mask;
        }
        return raw;
    }

    private WastResult result(int depth) {
        if (depth > MAX_RESULT_NESTING) {
            throw error(peek(), "result patterns nested too deeply");
        }
        expect(Token.Kind.LPAR);
        Token kw = next();
        if (!kw.is(Token.Kind.KEYWORD)) {
            throw unexpected(kw);
        }
        WastResult r;
        switch (kw.text()) {
            case "i32.const" -> r = new WastResult.Exact(new WastValue.I32((int) intLiteral(32)));
            case "i64.const" -> r = new WastResult.Exact(new WastValue.I64(intLiteral(64)));
            case "f32.const" -> r = floatResult(NumType.F32, next());
            case "f64.const" -> r = floatResult(NumType.F64, next());
            case "v128.const" -> r = vecResult();
            case "ref.null" -> {
                HeapType ht = peek().is(Token.Kind.RPAR) ? null : heapType();
                r = new WastResult.RefNull(ht);
            }
            case "ref.extern", "ref.host" -> {
                String kind = kw.text().substring(4);
                r = peek().is(Token.Kind.NAT) ? new WastResult.RefHostId(kind, u64()) : new WastResult.RefKind(kind);
            }
            case "either" -> {
                List<List<WastResult>> alternatives = new ArrayList<>();
                while (!peek().is(Token.Kind.RPAR)) {
                    alternatives.add(List.of(result(depth + 1)));
                }
                r = new WastResult.Either(alternatives);
            }
            default -> {
                if (kw.text().startsWith("ref.") && peek().is(Token.Kind.RPAR)) {
                    r = new WastResult.RefKind(kw.text().substring(4));
                } else {
                    r = new WastResult.Exact(componentValue(kw, depth));
                }
            }
        }
        if (!peek().is(Token.Kind.RPAR)) {
            throw unexpected(peek());
        }
        p++;
        return r;
    }

    private WastResult floatResult(NumType type, Token t) {
        if (t.isKeyword("nan:canonical") || t.isKeyword("nan:arithmetic")) {
            return new WastResult.Nan(type, t.text().equals("nan:canonical"));
        }
        return new WastResult.Exact(type == NumType.F32 ? new WastValue.F32(f32(t)) : new WastValue.F64(f64(t)));
    }

    private WastResult vecResult() {
        Token shape = next();
        int n = Numbers.laneCount(shape.text());
        if (n < 0) {
            throw unexpected(shape);
        }
        List<Token> lanes = new ArrayList<>();
        boolean hasPattern = false;
        for (int i = 0; i < n; i++) {
            Token t = literalToken();
            hasPattern |= t.text().equals("nan:canonical") || t.text().equals("nan:arithmetic");
            lanes.add(t);
        }
        if (!hasPattern) {
            try {
                return new WastResult.Exact(new WastValue.Vec(
                        Numbers.v128(shape.text(), lanes.stream().map(Token::text).toList())));
            } catch (Numbers.NumberException e) {
                throw error(shape, e.getMessage());
            }
        }
        List<WastResult> results = new ArrayList<>();
        for (Token t : lanes) {
            switch (shape.text()) {
                case "f32x4" -> results.add(floatResult(NumType.F32, t));
                case "f64x2" -> results.add(floatResult(NumType.F64, t));
                default -> throw error(t, "NaN pattern with non-float type");
            }
        }
        return new WastResult.VecLanes(shape.text(), results);
    }

    private Token literalToken() {
        Token t = peek();
        boolean ok = t.isNumber() || t.is(Token.Kind.KEYWORD)
                && (t.text().equals("inf") || t.text().equals("nan") || t.text().startsWith("nan:"));
        if (!ok) {
            throw error(t, "wrong number of lane literals");
        }
        return next();
    }

    private HeapType heapType() {
        Token t = next();
        if (t.is(Token.Kind.KEYWORD)) {
            for (AbsHeapType a : AbsHeapType.values()) {
                if (a.text().equals(t.text())) {
                    return a;
                }
            }
        }
        if (t.is(Token.Kind.NAT)) {
            p--;
            long v = u64();
            if (v > Integer.MAX_VALUE) {
                throw error(t, "constant out of range");
            }
            return HeapType.concrete((int) v);
        }
        throw unexpected(t);
    }

    private long intLiteral(int bits) {
        Token t = next();
        if (!t.is(Token.Kind.NAT) && !t.is(Token.Kind.INT)) {
            throw unexpected(t);
        }
        try {
            return Numbers.parseInt(t.text(), bits);
        } catch (Numbers.NumberException e) {
            throw error(t, e.getMessage());
        }
    }

    private int f32(Token t) {
        try {
            return Numbers.parseF32(t.text());
        } catch (Numbers.NumberException e) {
            throw error(t, e.getMessage());
        }
    }

    private long f64(Token t) {
        try {
            return Numbers.parseF64(t.text());
        } catch (Numbers.NumberException e) {
            throw error(t, e.getMessage());
        }
    }
}
