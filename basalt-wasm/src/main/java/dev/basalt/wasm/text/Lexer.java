package dev.basalt.wasm.text;

import dev.basalt.wasm.MalformedException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The lexer of the WebAssembly text format
 * (<a href="https://webassembly.github.io/spec/core/text/lexical.html">Lexical Format</a>).
 *
 * <p>It turns source text into {@link Token}s, skipping white space, line comments {@code ;;}, nested block
 * comments {@code (; ;)}. Annotations {@code (@id ...)} are taken out of the token stream and returned separately
 * as {@link Annotation}s that remember where they stood, so that the parser can honour {@code @custom} and
 * {@code @name} and ignore the rest.
 *
 * <p>Source text that came from bytes should be decoded with {@link #decode(byte[])}, which keeps bytes that are
 * not UTF-8 as lone surrogates; the lexer reports those as "malformed UTF-8 encoding" wherever they occur.
 * Errors are {@link MalformedException}s whose message ends with the {@code line:column} of the problem.
 */
public final class Lexer {
    /** An annotation {@code (@id body...)}; {@code tokenIndex} is the index of the token that followed it. */
    public record Annotation(String id, List<Token> body, int tokenIndex, int start) {
    }

    /** The lexed source: tokens (ending with an EOF token) and annotations. */
    public record Result(String source, List<Token> tokens, List<Annotation> annotations) {
    }

    private final String src;
    private final int len;
    private int pos;
    private final List<Token> tokens = new ArrayList<>();
    private final List<Annotation> annotations = new ArrayList<>();

    private Lexer(String src) {
        this.src = src;
        this.len = src.length();
    }

    /** Lexes the whole source. */
    public static Result lex(String source) {
        Lexer lx = new Lexer(source);
        lx.run();
        return new Result(source, List.copyOf(lx.tokens), List.copyOf(lx.annotations));
    }

    /**
     * Decodes source bytes as UTF-8, mapping each byte that is not part of a well-formed UTF-8 sequence to the lone
     * surrogate {@code U+DC00 + byte} (so that no byte is lost and the lexer can report it where it occurs).
     */
    public static String decode(byte[] bytes) {
        var decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            return decoder.decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            // Slow path: decode piecewise, escaping the bad bytes.
        }
        StringBuilder sb = new StringBuilder(bytes.length);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(Math.max(16, bytes.length));
        decoder.reset();
        while (true) {
            var result = decoder.decode(in, out, true);
            out.flip();
            sb.append(out);
            out.clear();
            if (result.isError()) {
                for (int i = 0; i < result.length(); i++) {
                    sb.append((char) (0xDC00 | (in.get() & 0xFF)));
                }
            } else if (result.isUnderflow()) {
                decoder.flush(out);
                out.flip();
                sb.append(out);
                return sb.toString();
            }
        }
    }

    /** The {@code line:column} (both 1-based) of a char offset in {@code source}. */
    public static String position(String source, int offset) {
        int line = 1;
        int lineStart = 0;
        int end = Math.min(offset, source.length());
        for (int i = 0; i < end; i++) {
            if (source.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return line + ":" + (end - lineStart + 1);
    }

    /** The char offsets at which lines start (index 0 is line 1), for repeated {@link #line} look-ups. */
    public static int[] lineStarts(String source) {
        int n = 1;
        for (int i = 0; i < source.length(); i++) {
            if (source.charAt(i) == '\n') {
                n++;
            }
        }
        int[] starts = new int[n];
        int k = 1;
        for (int i = 0; i < source.length(); i++) {
            if (source.charAt(i) == '\n') {
                starts[k++] = i + 1;
            }
        }
        return starts;
    }

    /** The 1-based line of a char offset, given {@link #lineStarts}. */
    public static int line(int[] lineStarts, int offset) {
        int i = java.util.Arrays.binarySearch(lineStarts, offset);
        return i >= 0 ? i + 1 : -i - 1;
    }

    private MalformedException error(int at, String message) {
        return new MalformedException(message + " at " + position(src, at), at);
    }

    private void run() {
        List<Token> target = tokens;
        // Annotation nesting: each open annotation collects its body tokens.
        List<int[]> openAnnotations = new ArrayList<>(); // {start, parenDepth}
        List<List<Token>> annotationBodies = new ArrayList<>();
        List<String> annotationIds = new ArrayList<>();
        List<Integer> annotationTokenIndex = new ArrayList<>();
        int depthInAnnotation = 0;
        while (true) {
            skipSpaceAndComments();
            if (pos >= len) {
                if (!openAnnotations.isEmpty()) {
                    throw error(openAnnotations.get(openAnnotations.size() - 1)[0], "unclosed annotation");
                }
                tokens.add(new Token(Token.Kind.EOF, "", len, len, null, null));
                return;
            }
            char c = src.charAt(pos);
            int start = pos;
            if (c == '(' && pos + 1 < len && src.charAt(pos + 1) == '@' && openAnnotations.isEmpty()) {
                pos += 2;
                String id;
                if (pos < len && src.charAt(pos) == '"') {
                    byte[] b = readString();
                    if (b.length == 0) {
                        throw error(start, "empty annotation id");
                    }
                    id = utf8(b, start);
                } else {
                    int idStart = pos;
                    while (pos < len && isIdChar(src.charAt(pos))) {
                        pos++;
                    }
                    if (pos == idStart) {
                        throw error(start, "empty annotation id");
                    }
                    id = src.substring(idStart, pos);
                }
                openAnnotations.add(new int[] {start, depthInAnnotation});
                annotationBodies.add(new ArrayList<>());
                annotationIds.add(id);
                annotationTokenIndex.add(tokens.size());
                target = annotationBodies.get(annotationBodies.size() - 1);
                depthInAnnotation = 0;
                continue;
            }
            if (c == '(') {
                pos++;
                target.add(new Token(Token.Kind.LPAR, "(", start, pos, null, null));
                if (!openAnnotations.isEmpty()) {
                    depthInAnnotation++;
                }
                continue;
            }
            if (c == ')') {
                pos++;
                if (!openAnnotations.isEmpty() && depthInAnnotation == 0) {
                    int last = openAnnotations.size() - 1;
                    int[] open = openAnnotations.remove(last);
                    List<Token> body = annotationBodies.remove(last);
                    String id = annotationIds.remove(last);
                    int tokenIndex = annotationTokenIndex.remove(last);
                    depthInAnnotation = open[1];
                    if (openAnnotations.isEmpty()) {
                        annotations.add(new Annotation(id, List.copyOf(body), tokenIndex, open[0]));
                        target = tokens;
                    } else {
                        target = annotationBodies.get(annotationBodies.size() - 1);
                    }
                    continue;
                }
                if (!openAnnotations.isEmpty()) {
                    depthInAnnotation--;
                }
                target.add(new Token(Token.Kind.RPAR, ")", start, pos, null, null));
                continue;
            }
            if (c == '"') {
                byte[] b = readString();
                if (pos < len && isTokenChar(src.charAt(pos))) {
                    readReservedRun();
                    target.add(new Token(Token.Kind.RESERVED, src.substring(start, pos), start, pos, null, null));
                } else {
                    target.add(new Token(Token.Kind.STRING, src.substring(start, pos), start, pos, b, null));
                }
                continue;
            }
            if (isIdChar(c) || c == ',' || c == ';' || c == '[' || c == ']' || c == '{' || c == '}') {
                target.add(readWord());
                continue;
            }
            if (Character.isSurrogate(c)) {
                throw error(pos, "malformed UTF-8 encoding");
            }
            throw error(pos, "illegal character");
        }
    }

    private static boolean isTokenChar(char c) {
        return isIdChar(c) || c == '"' || c == ',' || c == '[' || c == ']' || c == '{' || c == '}';
    }

    /** Reads a maximal run of identifier characters (and strings glued to them) and classifies it. */
    private Token readWord() {
        int start = pos;
        if (src.charAt(pos) == '$' && pos + 1 < len && src.charAt(pos + 1) == '"') {
            pos++;
            int strStart = pos;
            byte[] b = readString();
            if (pos < len && isTokenChar(src.charAt(pos))) {
                readReservedRun();
                return new Token(Token.Kind.RESERVED, src.substring(start, pos), start, pos, null, null);
            }
            if (b.length == 0) {
                throw error(start, "empty identifier");
            }
            String name = utf8(b, strStart);
            return new Token(Token.Kind.ID, src.substring(start, pos), start, pos, null, name);
        }
        boolean plain = readReservedRun();
        String text = src.substring(start, pos);
        if (!plain) {
            return new Token(Token.Kind.RESERVED, text, start, pos, null, null);
        }
        char c = text.charAt(0);
        if (c == '$') {
            if (text.length() == 1) {
                throw error(start, "empty identifier");
            }
            return new Token(Token.Kind.ID, text, start, pos, null, text.substring(1));
        }
        if (c >= 'a' && c <= 'z') {
            return new Token(Token.Kind.KEYWORD, text, start, pos, null, null);
        }
        Token.Kind numKind = Numbers.classify(text);
        if (numKind != null) {
            return new Token(numKind, text, start, pos, null, null);
        }
        return new Token(Token.Kind.RESERVED, text, start, pos, null, null);
    }

    /**
     * Advances over idchars, strings and the reserved punctuation; returns whether only idchars were seen.
     */
    private boolean readReservedRun() {
        boolean plain = true;
        while (pos < len) {
            char c = src.charAt(pos);
            if (isIdChar(c)) {
                pos++;
            } else if (c == '"') {
                readString();
                plain = false;
            } else if (c == ';' && pos + 1 < len && src.charAt(pos + 1) == ';') {
                break;
            } else if (c == ',' || c == ';' || c == '[' || c == ']' || c == '{' || c == '}') {
                pos++;
                plain = false;
            } else {
                break;
            }
        }
        return plain;
    }

    private String utf8(byte[] b, int at) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw error(at, "malformed UTF-8 encoding");
        }
    }

    /** Reads a string literal starting at the opening quote; returns its bytes. */
    private byte[] readString() {
        int start = pos;
        pos++; // opening quote
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            if (pos >= len) {
                throw error(start, "unclosed string");
            }
            char c = src.charAt(pos);
            if (c == '"') {
                pos++;
                return out.toByteArray();
            }
            if (c == '\\') {
                if (pos + 1 >= len) {
                    throw error(start, "unclosed string");
                }
                char e = src.charAt(pos + 1);
                switch (e) {
                    case 't' -> { out.write('\t'); pos += 2; }
                    case 'n' -> { out.write('\n'); pos += 2; }
                    case 'r' -> { out.write('\r'); pos += 2; }
                    case '"' -> { out.write('"'); pos += 2; }
                    case '\'' -> { out.write('\''); pos += 2; }
                    case '\\' -> { out.write('\\'); pos += 2; }
                    case 'u' -> readUnicodeEscape(out);
                    default -> {
                        if (pos + 2 < len && hexValue(e) >= 0 && hexValue(src.charAt(pos + 2)) >= 0) {
                            out.write(hexValue(e) * 16 + hexValue(src.charAt(pos + 2)));
                            pos += 3;
                        } else {
                            throw error(pos, "illegal escape");
                        }
                    }
                }
                continue;
            }
            if (c < 0x20 || c == 0x7F) {
                if (c == '\n') {
                    throw error(start, "unclosed string");
                }
                throw error(pos, "illegal control character");
            }
            if (Character.isHighSurrogate(c)) {
                if (pos + 1 < len && Character.isLowSurrogate(src.charAt(pos + 1))) {
                    int cp = Character.toCodePoint(c, src.charAt(pos + 1));
                    writeUtf8(out, cp);
                    pos += 2;
                    continue;
                }
                throw error(pos, "malformed UTF-8 encoding");
            }
            if (Character.isLowSurrogate(c)) {
                throw error(pos, "malformed UTF-8 encoding");
            }
            writeUtf8(out, c);
            pos++;
        }
    }

    private void readUnicodeEscape(ByteArrayOutputStream out) {
        int at = pos;
        pos += 2;
        if (pos >= len || src.charAt(pos) != '{') {
            throw error(at, "illegal escape");
        }
        pos++;
        long cp = 0;
        int digits = 0;
        boolean lastUnderscore = true;
        while (pos < len && src.charAt(pos) != '}') {
            char h = src.charAt(pos);
            if (h == '_' && !lastUnderscore) {
                lastUnderscore = true;
                pos++;
                continue;
            }
            int v = hexValue(h);
            if (v < 0) {
                throw error(at, "illegal escape");
            }
            cp = cp * 16 + v;
            if (cp > 0x10FFFF) {
                throw error(at, "illegal escape");
            }
            digits++;
            lastUnderscore = false;
            pos++;
        }
        if (pos >= len || digits == 0 || lastUnderscore || (cp >= 0xD800 && cp < 0xE000)) {
            throw error(at, "illegal escape");
        }
        pos++;
        writeUtf8(out, (int) cp);
    }

    private static void writeUtf8(ByteArrayOutputStream out, int cp) {
        if (cp < 0x80) {
            out.write(cp);
        } else if (cp < 0x800) {
            out.write(0xC0 | (cp >> 6));
            out.write(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out.write(0xE0 | (cp >> 12));
            out.write(0x80 | ((cp >> 6) & 0x3F));
            out.write(0x80 | (cp & 0x3F));
        } else {
            out.write(0xF0 | (cp >> 18));
            out.write(0x80 | ((cp >> 12) & 0x3F));
            out.write(0x80 | ((cp >> 6) & 0x3F));
            out.write(0x80 | (cp & 0x3F));
        }
    }

    static int hexValue(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    private void skipSpaceAndComments() {
        while (pos < len) {
            char c = src.charAt(pos);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                pos++;
            } else if (c == ';' && pos + 1 < len && src.charAt(pos + 1) == ';') {
                // a line comment ends at a line feed or a carriage return, whichever comes first
                while (pos < len && src.charAt(pos) != '\n' && src.charAt(pos) != '\r') {
                    checkCommentChar(src.charAt(pos));
                    pos++;
                }
            } else if (c == '(' && pos + 1 < len && src.charAt(pos + 1) == ';') {
                skipBlockComment();
            } else {
                return;
            }
        }
    }

    private void checkCommentChar(char c) {
        if (Character.isSurrogate(c)) {
            if (Character.isHighSurrogate(c) && pos + 1 < len && Character.isLowSurrogate(src.charAt(pos + 1))) {
                pos++;
                return;
            }
            throw error(pos, "malformed UTF-8 encoding");
        }
    }

    /** Skips a block comment with nesting, iteratively (no recursion on deep nesting). */
    private void skipBlockComment() {
        int start = pos;
        int depth = 0;
        while (true) {
            if (pos >= len) {
                throw error(start, "unclosed comment");
            }
            char c = src.charAt(pos);
            if (c == '(' && pos + 1 < len && src.charAt(pos + 1) == ';') {
                depth++;
                pos += 2;
            } else if (c == ';' && pos + 1 < len && src.charAt(pos + 1) == ')') {
                depth--;
                pos += 2;
                if (depth == 0) {
                    return;
                }
            } else {
                checkCommentChar(c);
                pos++;
            }
        }
    }

    /** The spec's idchar set. */
    static boolean isIdChar(char c) {
        if (c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
            return true;
        }
        return switch (c) {
            case '!', '#', '$', '%', '&', '\'', '*', '+', '-', '.', '/', ':', '<', '=', '>', '?', '@', '\\', '^', '_',
                 '`', '|', '~' -> true;
            default -> false;
        };
    }
}
