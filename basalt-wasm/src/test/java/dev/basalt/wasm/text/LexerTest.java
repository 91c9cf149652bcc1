package dev.basalt.wasm.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.wasm.MalformedException;
import java.util.List;
import org.junit.jupiter.api.Test;

class LexerTest {

    private static List<Token> tokens(String src) {
        return Lexer.lex(src).tokens();
    }

    @Test
    void classifiesTokens() {
        List<Token> t = tokens("(func $f i32.add 42 -7 +0x1p3 1.5e10 inf nan:0x10 offset=4 \"s\" 0x x\"y\")");
        assertThat(t).extracting(Token::kind).containsExactly(
                Token.Kind.LPAR, Token.Kind.KEYWORD, Token.Kind.ID, Token.Kind.KEYWORD, Token.Kind.NAT,
                Token.Kind.INT, Token.Kind.FLOAT, Token.Kind.FLOAT, Token.Kind.KEYWORD, Token.Kind.KEYWORD,
                Token.Kind.KEYWORD, Token.Kind.STRING, Token.Kind.RESERVED, Token.Kind.RESERVED, Token.Kind.RPAR,
                Token.Kind.EOF);
        assertThat(t.get(2).idName()).isEqualTo("f");
    }

    @Test
    void decodesStringEscapesAsBytes() {
        Token s = tokens("\"a\\t\\n\\r\\\"\\'\\\\\\00\\ff\\u{48}\\u{1F600}\"").get(0);
        assertThat(s.bytes()).containsExactly('a', '\t', '\n', '\r', '"', '\'', '\\', 0x00, 0xFF, 'H',
                0xF0, 0x9F, 0x98, 0x80);
    }

    @Test
    void encodesLiteralCharactersAsUtf8() {
        assertThat(tokens("\"λ\"").get(0).bytes()).containsExactly(0xCE, 0xBB);
    }

    @Test
    void quotedIdentifiers() {
        Token id = tokens("$\"hello world\"").get(0);
        assertThat(id.kind()).isEqualTo(Token.Kind.ID);
        assertThat(id.idName()).isEqualTo("hello world");
        assertThatThrownBy(() -> tokens("$\"\"")).isInstanceOf(MalformedException.class)
                .hasMessageStartingWith("empty identifier");
        assertThatThrownBy(() -> tokens("$\"\\ef\"")).isInstanceOf(MalformedException.class)
                .hasMessageStartingWith("malformed UTF-8");
    }

    @Test
    void skipsLineAndNestedBlockComments() {
        List<Token> t = tokens(";; line\n(; outer (; inner ;) still ;) x ;; end");
        assertThat(t).extracting(Token::text).containsExactly("x", "");
        assertThatThrownBy(() -> tokens("(; (; ;)")).isInstanceOf(MalformedException.class)
                .hasMessageStartingWith("unclosed comment");
    }

    @Test
    void setsAnnotationsAside() {
        Lexer.Result r = Lexer.lex("(module (@custom \"x\" (after func) \"data\") (@other (a (b)) c) (func))");
        assertThat(r.tokens()).extracting(Token::text).containsExactly("(", "module", "(", "func", ")", ")", "");
        assertThat(r.annotations()).extracting(Lexer.Annotation::id).containsExactly("custom", "other");
        assertThat(r.annotations().get(0).tokenIndex()).isEqualTo(2);
        assertThat(r.annotations().get(0).body()).extracting(Token::text)
                .containsExactly("\"x\"", "(", "after", "func", ")", "\"data\"");
    }

    @Test
    void annotationErrors() {
        assertThatThrownBy(() -> Lexer.lex("(@ x)")).hasMessageStartingWith("empty annotation id");
        assertThatThrownBy(() -> Lexer.lex("(@x (y)")).hasMessageStartingWith("unclosed annotation");
    }

    @Test
    void stringErrors() {
        assertThatThrownBy(() -> tokens("\"abc")).hasMessageStartingWith("unclosed string");
        assertThatThrownBy(() -> tokens("\"\\q\"")).hasMessageStartingWith("illegal escape");
        assertThatThrownBy(() -> tokens("\"\\u{D800}\"")).hasMessageStartingWith("illegal escape");
        assertThatThrownBy(() -> tokens("\"\\u{110000}\"")).hasMessageStartingWith("illegal escape");
        assertThatThrownBy(() -> tokens("\"a\u0001\"")).isInstanceOf(MalformedException.class);
    }

    @Test
    void illegalCharactersAndBadUtf8() {
        assertThatThrownBy(() -> tokens("(func \u0000)")).hasMessageStartingWith("illegal character");
        String decoded = Lexer.decode(new byte[] {'"', (byte) 0x80, '"'});
        assertThat(decoded).hasSize(3);
        assertThatThrownBy(() -> tokens(decoded)).hasMessageStartingWith("malformed UTF-8 encoding");
        assertThatThrownBy(() -> tokens(Lexer.decode(new byte[] {'x', (byte) 0xC0}))).isInstanceOf(
                MalformedException.class);
    }

    @Test
    void decodeKeepsWellFormedUtf8() {
        assertThat(Lexer.decode("(λ)".getBytes(java.nio.charset.StandardCharsets.UTF_8))).isEqualTo("(λ)");
    }

    @Test
    void errorsCarryLineAndColumn() {
        assertThatThrownBy(() -> tokens("(module\n  \"abc")).hasMessageContaining("at 2:3");
    }

    @Test
    void lineLookup() {
        int[] starts = Lexer.lineStarts("a\nbb\n\nc");
        assertThat(Lexer.line(starts, 0)).isEqualTo(1);
        assertThat(Lexer.line(starts, 2)).isEqualTo(2);
        assertThat(Lexer.line(starts, 5)).isEqualTo(3);
        assertThat(Lexer.line(starts, 6)).isEqualTo(4);
    }
}
