package dev.basalt.component.wit;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Splits WIT source into tokens (WIT.md, "Lexical structure"). Comments are dropped except doc comments
 * ({@code ///} and {@code /** ... *}{@code /}), which are attached to the next token. A run of digits is an
 * {@link Kind#INTEGER}, or a {@link Kind#VERSION} when it continues with {@code .} (as after {@code @} in package
 * names and after {@code version =} in gates); a trailing {@code .} belongs to the next token so that
 * {@code ns:p/i@1.0.0.{a}} lexes as intended.
 */
final class WitLexer {
    enum Kind { ID, INTEGER, VERSION, EQ, COMMA, COLON, SEMI, LPAREN, RPAREN, LBRACE, RBRACE, LT, GT, STAR, ARROW,
        SLASH, DOT, AT, UNDERSCORE, STRING, EOF }

    /**
     * A token. {@code escaped} is set for {@code %name} identifiers (never keywords); {@code docs} is the doc
     * comment text written before it; {@code spaceBefore} whether whitespace or a comment precedes it.
     */
    record Token(Kind kind, String text, boolean escaped, WitAst.Span span, Optional<String> docs,
            boolean spaceBefore) {}

    private final String file;
    private final String src;
    private int pos;
    private int line = 1;
    private int lineStart;

    private WitLexer(String file, String src) {
        this.file = file;
        this.src = src;
    }

    static List<Token> tokenize(String file, String src) {
        return new WitLexer(file, src).run();
    }

    private WitAst.Span here() {
        return new WitAst.Span(file, line, src.codePointCount(lineStart, pos) + 1);
    }

    private List<Token> run() {
        List<Token> out = new ArrayList<>();
        if (src.startsWith("\uFEFF")) {
            pos = 1;
            lineStart = 1;
        }
        while (true) {
            List<String> docs = new ArrayList<>();
            int before = pos;
            skipTrivia(docs);
            boolean space = pos != before;
            Optional<String> doc = docs.isEmpty() ? Optional.empty() : Optional.of(String.join("\n", docs));
            WitAst.Span span = here();
            if (pos >= src.length()) {
                out.add(new Token(Kind.EOF, "", false, span, doc, space));
                return out;
            }
            char c = src.charAt(pos);
            Kind single = switch (c) {
                case '=' -> Kind.EQ;
                case ',' -> Kind.COMMA;
                case ':' -> Kind.COLON;
                case ';' -> Kind.SEMI;
                case '(' -> Kind.LPAREN;
                case ')' -> Kind.RPAREN;
                case '{' -> Kind.LBRACE;
                case '}' -> Kind.RBRACE;
                case '<' -> Kind.LT;
                case '>' -> Kind.GT;
                case '*' -> Kind.STAR;
                case '/' -> Kind.SLASH;
                case '.' -> Kind.DOT;
                case '@' -> Kind.AT;
                case '_' -> Kind.UNDERSCORE;
                default -> null;
            };
            if (c == '-' && pos + 1 < src.length() && src.charAt(pos + 1) == '>') {
                pos += 2;
                out.add(new Token(Kind.ARROW, "->", false, span, doc, space));
            } else if (single != null) {
                pos++;
                out.add(new Token(single, String.valueOf(c), false, span, doc, space));
            } else if (c >= '0' && c <= '9') {
                int start = pos;
                while (pos < src.length() && versionChar(src.charAt(pos))) {
                    pos++;
                }
                while (pos > start + 1 && src.charAt(pos - 1) == '.') {
                    pos--;
                }
                String text = src.substring(start, pos);
                boolean digits = text.chars().allMatch(ch -> ch >= '0' && ch <= '9');
                out.add(new Token(digits ? Kind.INTEGER : Kind.VERSION, text, false, span, doc, space));
            } else if (c == '"') {
                // string literals only appear in `@external-id("...")`, which the parser rejects with a clear message
                int start = pos++;
                while (pos < src.length() && src.charAt(pos) != '"' && src.charAt(pos) != '\n') {
                    pos += src.charAt(pos) == '\\' && pos + 1 < src.length() ? 2 : 1;
                }
                if (pos >= src.length() || src.charAt(pos) != '"') {
                    throw new WitException(span, "unterminated string literal");
                }
                pos++;
                out.add(new Token(Kind.STRING, src.substring(start, pos), false, span, doc, space));
            } else if (c == '%' || idChar(c)) {
                boolean escaped = c == '%';
                if (escaped) {
                    pos++;
                }
                int start = pos;
                while (pos < src.length() && idChar(src.charAt(pos))) {
                    pos++;
                }
                if (start == pos) {
                    throw new WitException(span, "expected an identifier after `%`");
                }
                out.add(new Token(Kind.ID, src.substring(start, pos), escaped, span, doc, space));
            } else {
                int cp = src.codePointAt(pos);
                throw new WitException(span, "unexpected character " + describe(cp));
            }
        }
    }

    private static String describe(int cp) {
        return cp >= 0x20 && cp < 0x7f ? "`" + Character.toString(cp) + "`" : String.format("U+%04X", cp);
    }

    private static boolean idChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-';
    }

    private static boolean versionChar(char c) {
        return idChar(c) || c == '.' || c == '+';
    }

    private void newline() {
        line++;
        lineStart = pos;
    }

    /** Skips whitespace and comments, collecting doc comment text into {@code docs}. */
    private void skipTrivia(List<String> docs) {
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (c == '\n') {
                pos++;
                newline();
            } else if (c == ' ' || c == '\t' || c == '\r') {
                pos++;
            } else if (src.startsWith("//", pos)) {
                int start = pos;
                while (pos < src.length() && src.charAt(pos) != '\n') {
                    checkChar(pos);
                    pos++;
                }
                String text = src.substring(start, pos);
                if (text.startsWith("///") && !text.startsWith("////")) {
                    String body = text.substring(3);
                    if (body.startsWith(" ")) {
                        body = body.substring(1);
                    }
                    docs.add(body.stripTrailing());
                }
            } else if (src.startsWith("/*", pos)) {
                blockComment(docs);
            } else {
                checkChar(pos);
                return;
            }
        }
    }

    private void blockComment(List<String> docs) {
        WitAst.Span start = here();
        int begin = pos;
        boolean doc = src.startsWith("/**", pos) && !src.startsWith("/**/", pos);
        pos += 2;
        int depth = 1;
        while (depth > 0) {
            if (pos >= src.length()) {
                throw new WitException(start, "unterminated block comment");
            }
            if (src.startsWith("/*", pos)) {
                depth++;
                pos += 2;
            } else if (src.startsWith("*/", pos)) {
                depth--;
                pos += 2;
            } else {
                checkChar(pos);
                if (src.charAt(pos) == '\n') {
                    pos++;
                    newline();
                } else {
                    pos++;
                }
            }
        }
        if (doc) {
            String body = src.substring(begin + 3, pos - 2);
            List<String> lines = new ArrayList<>();
            for (String l : body.split("\r?\n", -1)) {
                String t = l.strip();
                if (t.startsWith("*")) {
                    t = t.substring(1).strip();
                }
                lines.add(t);
            }
            while (!lines.isEmpty() && lines.getFirst().isEmpty()) {
                lines.removeFirst();
            }
            while (!lines.isEmpty() && lines.getLast().isEmpty()) {
                lines.removeLast();
            }
            docs.addAll(lines);
        }
    }

    /** Rejects control codes other than tab/newline/CR and bidirectional overrides anywhere in the text. */
    private void checkChar(int at) {
        char c = src.charAt(at);
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0x7f
                || c >= 0x202A && c <= 0x202E || c >= 0x2066 && c <= 0x2069) {
            throw new WitException(here(), "invalid character in source text " + describe(c));
        }
    }
}
