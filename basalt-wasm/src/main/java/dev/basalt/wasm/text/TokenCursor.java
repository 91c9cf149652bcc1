package dev.basalt.wasm.text;

import dev.basalt.wasm.MalformedException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A position in a token list with the helpers a recursive-descent parser needs, plus the matching-parenthesis
 * table (computed once, iteratively) so that forms can be skipped or bounded without recursion.
 *
 * <p>Shared by every parser of the S-expression formats: the module text parser holds one, and the WAST script
 * parser and the component text parser extend it (overriding {@link #error} and {@link #unexpected} where their
 * messages differ).
 */
public class TokenCursor {
    protected final String source;
    protected final List<Token> tokens;
    /** For each LPAR token index, the index of its matching RPAR (or the EOF index if unbalanced); -1 otherwise. */
    final int[] matching;
    /** Index of the next token. */
    protected int p;

    protected TokenCursor(String source, List<Token> tokens) {
        this.source = source;
        this.tokens = tokens;
        this.matching = new int[tokens.size()];
        int[] stack = new int[16];
        int sp = 0;
        int eof = tokens.size() - 1;
        for (int i = 0; i < tokens.size(); i++) {
            matching[i] = -1;
            Token.Kind k = tokens.get(i).kind();
            if (k == Token.Kind.LPAR) {
                if (sp == stack.length) {
                    stack = java.util.Arrays.copyOf(stack, sp * 2);
                }
                stack[sp++] = i;
            } else if (k == Token.Kind.RPAR && sp > 0) {
                matching[stack[--sp]] = i;
            }
        }
        while (sp > 0) {
            matching[stack[--sp]] = eof;
        }
    }

    /**
     * The index of the RPAR closing the LPAR at token {@code lpar}, or -1 if the input ends before it closes.
     */
    protected final int closeIndex(int lpar) {
        int m = matching[lpar];
        return m >= 0 && tokens.get(m).is(Token.Kind.RPAR) ? m : -1;
    }

    protected Token peek() {
        return tokens.get(p);
    }

    protected Token peek(int k) {
        int i = p + k;
        return i < tokens.size() ? tokens.get(i) : tokens.get(tokens.size() - 1);
    }

    protected Token next() {
        Token t = tokens.get(p);
        if (t.kind() != Token.Kind.EOF) {
            p++;
        }
        return t;
    }

    protected boolean atKeyword(String kw) {
        return peek().isKeyword(kw);
    }

    /** Whether the next tokens are {@code ( kw}. */
    protected boolean atForm(String kw) {
        return peek().is(Token.Kind.LPAR) && peek(1).isKeyword(kw);
    }

    protected boolean at(Token.Kind kind) {
        return peek().is(kind);
    }

    protected MalformedException error(Token t, String message) {
        return new MalformedException(message + " at " + Lexer.position(source, t.start()), t.start());
    }

    /**
     * The error for a token that does not fit. Like the reference interpreter, whose lexer knows every keyword,
     * a word that is no keyword at all is an "unknown operator" rather than an "unexpected token".
     */
    protected MalformedException unexpected(Token t) {
        if (t.is(Token.Kind.EOF)) {
            return error(t, "unexpected end of input");
        }
        if (t.is(Token.Kind.RESERVED) || t.is(Token.Kind.KEYWORD) && !isKnownKeyword(t.text())) {
            return error(t, "unknown operator " + t.text());
        }
        return error(t, "unexpected token");
    }

    private static final java.util.Set<String> SYNTAX_KEYWORDS = java.util.Set.of(
            "module", "definition", "binary", "quote", "type", "rec", "sub", "final", "func", "struct", "array",
            "field", "mut", "param", "result", "local", "import", "export", "table", "memory", "global", "tag",
            "start", "elem", "data", "item", "offset", "declare", "shared", "unshared", "pagesize", "then", "else",
            "end", "do", "catch", "catch_ref", "catch_all", "catch_all_ref", "delegate", "ref", "null", "i8", "i16",
            "i32", "i64", "f32", "f64", "v128", "i8x16", "i16x8", "i32x4", "i64x2", "f32x4", "f64x2", "inf", "nan",
            "extern", "any", "eq", "i31", "exn", "none", "nofunc", "noextern", "noexn", "funcref", "externref",
            "anyref", "eqref", "i31ref", "structref", "arrayref", "exnref", "nullref", "nullfuncref",
            "nullexternref", "nullexnref", "block", "loop", "if", "try", "try_table");

    static boolean isKnownKeyword(String kw) {
        if (SYNTAX_KEYWORDS.contains(kw) || dev.basalt.wasm.Opcode.ofMnemonic(kw) != null) {
            return true;
        }
        if (kw.startsWith("offset=")) {
            return Numbers.classify(kw.substring(7)) == Token.Kind.NAT;
        }
        if (kw.startsWith("align=")) {
            return Numbers.classify(kw.substring(6)) == Token.Kind.NAT;
        }
        return kw.equals("nan:canonical") || kw.equals("nan:arithmetic")
                || kw.startsWith("nan:") && Numbers.classify(kw) != null;
    }

    protected void expect(Token.Kind kind) {
        Token t = peek();
        if (!t.is(kind)) {
            throw unexpected(t);
        }
        p++;
    }

    protected void expectKeyword(String kw) {
        Token t = peek();
        if (!t.isKeyword(kw)) {
            throw unexpected(t);
        }
        p++;
    }

    /** Consumes {@code ( kw}. */
    protected void enterForm(String kw) {
        expect(Token.Kind.LPAR);
        expectKeyword(kw);
    }

    protected String optionalId() {
        if (peek().is(Token.Kind.ID)) {
            return next().idName();
        }
        return null;
    }

    protected byte[] string() {
        Token t = peek();
        if (!t.is(Token.Kind.STRING)) {
            throw unexpected(t);
        }
        p++;
        return t.bytes();
    }

    /** A string that must be valid UTF-8 (names). */
    protected String name() {
        Token t = peek();
        byte[] b = string();
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw error(t, "malformed UTF-8 encoding");
        }
    }

    /** An unsigned 32-bit nat literal. */
    protected int u32() {
        Token t = peek();
        if (!t.is(Token.Kind.NAT)) {
            throw unexpected(t);
        }
        p++;
        try {
            long v = Numbers.parseU64(t.text());
            if (Long.compareUnsigned(v, 0xFFFFFFFFL) > 0) {
                throw error(t, "i32 constant out of range");
            }
            return (int) v;
        } catch (Numbers.NumberException e) {
            throw error(t, "i32 constant out of range");
        }
    }

    /** An unsigned 64-bit nat literal. */
    protected long u64() {
        Token t = peek();
        if (!t.is(Token.Kind.NAT)) {
            throw unexpected(t);
        }
        p++;
        try {
            return Numbers.parseU64(t.text());
        } catch (Numbers.NumberException e) {
            throw error(t, "i64 constant out of range");
        }
    }
}
