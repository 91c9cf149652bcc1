package dev.basalt.component.wave;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Recursive-descent parser from WAVE text to {@link WaveSyntax}. Whitespace and {@code //} comments may appear
 * between tokens; trailing commas are allowed in every sequence. Nesting is bounded ({@link #MAX_DEPTH}) so that
 * hostile input ends in a {@link WaveException}, not a stack overflow.
 */
final class WaveParser {
    static final int MAX_DEPTH = 500;

    private final String text;
    private int pos;
    private int depth;

    WaveParser(String text) {
        this.text = text;
    }

    /** Parses exactly one value; anything after it is an error. */
    WaveSyntax parseValueOnly() {
        WaveSyntax v = value();
        expectEnd();
        return v;
    }

    /** Parses {@code name(arg, ...)}: a function name (anything up to the first parenthesis) and its arguments. */
    Wave.Call parseCall() {
        skipSpace();
        int start = pos;
        while (pos < text.length() && text.charAt(pos) != '(' && !Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
        String name = text.substring(start, pos);
        if (name.isEmpty()) {
            throw error(start, "expected a function name");
        }
        skipSpace();
        if (!eat('(')) {
            throw error(pos, "expected '(' after the function name " + name);
        }
        List<WaveSyntax> args = sequence(')');
        expectEnd();
        return new Wave.Call(name, args);
    }

    private WaveSyntax value() {
        skipSpace();
        if (pos >= text.length()) {
            throw error(pos, "unexpected end of input, expected a value");
        }
        if (++depth > MAX_DEPTH) {
            throw error(pos, "values nested deeper than " + MAX_DEPTH);
        }
        try {
            int start = pos;
            char c = text.charAt(pos);
            if (c == '"') {
                return new WaveSyntax.Str(string(), start);
            }
            if (c == '\'') {
                return new WaveSyntax.Char(character(), start);
            }
            if (c == '(') {
                pos++;
                return new WaveSyntax.Tuple(sequence(')'), start);
            }
            if (c == '[') {
                pos++;
                return new WaveSyntax.ListOf(sequence(']'), start);
            }
            if (c == '{') {
                pos++;
                return braced(start);
            }
            if (c == '-' || isDigit(c)) {
                return number(start);
            }
            if (c == '%') {
                pos++;
                return labelled(label(), start);
            }
            if (isLetter(c)) {
                String word = label();
                return switch (word) {
                    case "true" -> new WaveSyntax.Bool(true, start);
                    case "false" -> new WaveSyntax.Bool(false, start);
                    case "nan", "inf" -> new WaveSyntax.Number(word, start);
                    case "none" -> new WaveSyntax.None(start);
                    case "some" -> {
                        Optional<WaveSyntax> payload = payload();
                        if (payload.isEmpty()) {
                            throw error(start, "some needs a payload: some(value)");
                        }
                        yield new WaveSyntax.Some(payload.get(), start);
                    }
                    case "ok" -> new WaveSyntax.ResultOf(true, payload(), start);
                    case "err" -> new WaveSyntax.ResultOf(false, payload(), start);
                    default -> labelled(word, start);
                };
            }
            throw error(pos, "unexpected character " + describe(c));
        } finally {
            depth--;
        }
    }

    private WaveSyntax labelled(String name, int start) {
        return new WaveSyntax.Label(name, payload(), start);
    }

    private Optional<WaveSyntax> payload() {
        skipSpace();
        if (!eat('(')) {
            return Optional.empty();
        }
        WaveSyntax v = value();
        skipSpace();
        if (!eat(')')) {
            throw error(pos, "expected ')' after the payload");
        }
        return Optional.of(v);
    }

    /** After '{': flags, a record, or the empty forms {} (flags) and {:} (record). */
    private WaveSyntax braced(int start) {
        skipSpace();
        if (eat('}')) {
            return new WaveSyntax.Flags(List.of(), start);
        }
        if (eat(':')) {
            skipSpace();
            if (!eat('}')) {
                throw error(pos, "expected '}' after '{:'");
            }
            return new WaveSyntax.RecordOf(List.of(), start);
        }
        int firstAt = pos;
        String first = optionalPercent();
        skipSpace();
        if (peek() == ':') {
            List<WaveSyntax.Field> fields = new ArrayList<>();
            String name = first;
            int at = firstAt;
            while (true) {
                skipSpace();
                if (!eat(':')) {
                    throw error(pos, "expected ':' after the field name " + name);
                }
                fields.add(new WaveSyntax.Field(name, value(), at));
                if (endOfSequence('}')) {
                    return new WaveSyntax.RecordOf(fields, start);
                }
                skipSpace();
                at = pos;
                name = optionalPercent();
            }
        }
        List<String> labels = new ArrayList<>();
        labels.add(first);
        while (!endOfSequence('}')) {
            skipSpace();
            labels.add(optionalPercent());
        }
        return new WaveSyntax.Flags(labels, start);
    }

    private String optionalPercent() {
        eat('%');
        return label();
    }

    /** Elements up to {@code close} (already past the opening bracket), commas between, a trailing comma allowed. */
    private List<WaveSyntax> sequence(char close) {
        List<WaveSyntax> out = new ArrayList<>();
        skipSpace();
        if (eat(close)) {
            return out;
        }
        do {
            out.add(value());
        } while (!endOfSequence(close));
        return out;
    }

    /** After an element: true at the closing bracket (consumed, also after a trailing comma), false after a comma. */
    private boolean endOfSequence(char close) {
        skipSpace();
        if (eat(close)) {
            return true;
        }
        if (!eat(',')) {
            throw error(pos, "expected ',' or '" + close + "'");
        }
        skipSpace();
        return eat(close);
    }

    private WaveSyntax number(int start) {
        if (text.startsWith("-inf", pos)) {
            pos += 4;
            return new WaveSyntax.Number("-inf", start);
        }
        if (peek() == '-') {
            pos++;
        }
        int digits = pos;
        while (pos < text.length() && isDigit(text.charAt(pos))) {
            pos++;
        }
        if (pos == digits) {
            throw error(start, "expected digits after '-'");
        }
        if (peek() == '.') {
            pos++;
            int frac = pos;
            while (pos < text.length() && isDigit(text.charAt(pos))) {
                pos++;
            }
            if (pos == frac) {
                throw error(pos, "expected digits after '.'");
            }
        }
        if (peek() == 'e' || peek() == 'E') {
            pos++;
            if (peek() == '+' || peek() == '-') {
                pos++;
            }
            int exp = pos;
            while (pos < text.length() && isDigit(text.charAt(pos))) {
                pos++;
            }
            if (pos == exp) {
                throw error(pos, "expected digits in the exponent");
            }
        }
        return new WaveSyntax.Number(text.substring(start, pos), start);
    }

    /** A WIT identifier: hyphen-separated words, each a letter followed by letters and digits. */
    private String label() {
        int start = pos;
        while (true) {
            if (pos >= text.length() || !isLetter(text.charAt(pos))) {
                throw error(pos, "expected a label");
            }
            while (pos < text.length() && (isLetter(text.charAt(pos)) || isDigit(text.charAt(pos)))) {
                pos++;
            }
            if (peek() != '-') {
                return text.substring(start, pos);
            }
            pos++;
        }
    }

    private int character() {
        int start = pos;
        pos++;
        if (pos >= text.length() || text.charAt(pos) == '\'') {
            throw error(start, "empty char literal");
        }
        int cp = text.charAt(pos) == '\\' ? escape() : nextCodePoint();
        if (!eat('\'')) {
            throw error(start, "a char literal holds exactly one character");
        }
        return cp;
    }

    private String string() {
        if (text.startsWith("\"\"\"", pos)) {
            return multilineString();
        }
        int start = pos;
        pos++;
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= text.length()) {
                throw error(start, "unterminated string");
            }
            char c = text.charAt(pos);
            if (c == '"') {
                pos++;
                return sb.toString();
            }
            if (c == '\n' || c == '\r') {
                throw error(pos, "line break in a string (use \\n or a \"\"\" multiline string)");
            }
            sb.appendCodePoint(c == '\\' ? escape() : nextCodePoint());
        }
    }

    /**
     * {@code """} + line break, lines, then a line holding only indentation and {@code """}: that indentation is
     * removed from every line, and the line break before the closing delimiter is not part of the value.
     */
    private String multilineString() {
        int start = pos;
        pos += 3;
        if (text.startsWith("\r\n", pos)) {
            pos += 2;
        } else if (peek() == '\n') {
            pos++;
        } else {
            throw error(start, "a multiline string must start with a line break after \"\"\"");
        }
        int bodyStart = pos;
        while (true) {
            if (pos >= text.length()) {
                throw error(start, "unterminated multiline string");
            }
            if (text.startsWith("\"\"\"", pos)) {
                break;
            }
            pos += text.charAt(pos) == '\\' ? 2 : 1;
        }
        String body = text.substring(bodyStart, pos).replace("\r\n", "\n");
        pos += 3;
        int lastBreak = body.lastIndexOf('\n');
        String indent = lastBreak < 0 ? body : body.substring(lastBreak + 1);
        if (!indent.isBlank()) {
            throw error(start, "the closing \"\"\" of a multiline string must be on a line of its own");
        }
        String content = lastBreak < 0 ? "" : body.substring(0, lastBreak);
        StringBuilder stripped = new StringBuilder();
        String[] lines = content.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (!line.startsWith(indent) && !line.isBlank()) {
                throw error(start, "line " + (i + 1) + " of a multiline string is indented less than its closing \"\"\"");
            }
            stripped.append(line.startsWith(indent) ? line.substring(indent.length()) : "");
            if (i + 1 < lines.length) {
                stripped.append('\n');
            }
        }
        // Escapes are decoded after the indentation is removed, so an escaped space or tab is never stripped.
        WaveParser inner = new WaveParser(stripped.toString());
        StringBuilder out = new StringBuilder();
        try {
            while (inner.pos < inner.text.length()) {
                out.appendCodePoint(inner.text.charAt(inner.pos) == '\\' ? inner.escape() : inner.nextCodePoint());
            }
        } catch (WaveException e) {
            throw error(start, "in a multiline string: " + e.getMessage());
        }
        return out.toString();
    }

    private int escape() {
        int start = pos;
        pos++;
        if (pos >= text.length()) {
            throw error(start, "unterminated escape");
        }
        char c = text.charAt(pos++);
        return switch (c) {
            case '\\' -> '\\';
            case '\'' -> '\'';
            case '"' -> '"';
            case 't' -> '\t';
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 'u' -> {
                if (!eat('{')) {
                    throw error(start, "expected '{' in a \\u{...} escape");
                }
                int digits = pos;
                while (pos < text.length() && Character.digit(text.charAt(pos), 16) >= 0) {
                    pos++;
                }
                if (pos == digits || pos - digits > 6 || !eat('}')) {
                    throw error(start, "a \\u{...} escape holds 1 to 6 hex digits");
                }
                int cp = Integer.parseInt(text, digits, pos - 1, 16);
                if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
                    throw error(start, "\\u{" + Integer.toHexString(cp) + "} is not a Unicode scalar value");
                }
                yield cp;
            }
            default -> throw error(start, "unknown escape \\" + c);
        };
    }

    private int nextCodePoint() {
        int cp = text.codePointAt(pos);
        if (cp >= 0xd800 && cp <= 0xdfff) {
            throw error(pos, "unpaired surrogate in the text");
        }
        pos += Character.charCount(cp);
        return cp;
    }

    private void skipSpace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                pos++;
            } else if (text.startsWith("//", pos)) {
                while (pos < text.length() && text.charAt(pos) != '\n') {
                    pos++;
                }
            } else {
                return;
            }
        }
    }

    private void expectEnd() {
        skipSpace();
        if (pos < text.length()) {
            throw error(pos, "unexpected " + describe(text.charAt(pos)) + " after the value");
        }
    }

    private char peek() {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private boolean eat(char c) {
        if (peek() == c && pos < text.length()) {
            pos++;
            return true;
        }
        return false;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static String describe(char c) {
        return c < 0x20 || c > 0x7e ? String.format("U+%04X", (int) c) : "'" + c + "'";
    }

    private WaveException error(int at, String message) {
        return new WaveException(message + " at offset " + at);
    }
}
