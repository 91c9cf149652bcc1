package dev.basalt.wasm.binary;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.stream.Stream;

/**
 * Test helper: pulls the binary modules out of the spec testsuite's .wast files without the full WAST parser
 * (which belongs to the text package): every {@code (module $id? binary "..."*)} as a case that must decode,
 * every {@code (assert_malformed (module binary ...) "reason")} as one that must fail with that reason, and
 * every {@code (assert_invalid (module binary ...) ...)} as one that must decode (invalid is not malformed).
 */
final class WastBinaryCases {
    /** One binary module of the suite; {@code malformedReason} is null when it must decode. */
    record Case(String file, int line, byte[] bytes, String malformedReason) {
        String name() {
            return file + ":" + line;
        }
    }

    private WastBinaryCases() {
    }

    static Path suiteDir() {
        String env = System.getenv("BASALT_WASM_TESTSUITE");
        if (env != null && Files.isDirectory(Path.of(env))) {
            return Path.of(env);
        }
        String shared = System.getProperty("basalt.shared");
        if (shared != null && Files.isDirectory(Path.of(shared, "wasm-testsuite"))) {
            return Path.of(shared, "wasm-testsuite");
        }
        return null;
    }

    static List<Path> wastFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.toString().endsWith(".wast")).sorted().toList();
        }
    }

    static List<Case> cases(Path suite, Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        String name = suite.relativize(file).toString();
        List<Case> out = new ArrayList<>();
        for (Node top : parse(text)) {
            if (!(top instanceof ListNode list) || list.items.isEmpty()) {
                continue;
            }
            String head = list.atom(0);
            if ("module".equals(head)) {
                byte[] bytes = binaryModule(list);
                if (bytes != null) {
                    out.add(new Case(name, list.line, bytes, null));
                }
            } else if ("assert_malformed".equals(head) || "assert_invalid".equals(head)) {
                if (list.items.size() >= 3 && list.items.get(1) instanceof ListNode module
                        && "module".equals(module.atom(0))) {
                    byte[] bytes = binaryModule(module);
                    if (bytes != null) {
                        String reason = null;
                        if ("assert_malformed".equals(head) && list.items.get(2) instanceof StringNode s) {
                            reason = new String(s.bytes, StandardCharsets.UTF_8);
                        }
                        out.add(new Case(name, list.line, bytes, reason));
                    }
                }
            }
        }
        return out;
    }

    private static byte[] binaryModule(ListNode module) {
        int i = 1;
        if (module.items.size() > i && module.atom(i) != null && module.atom(i).startsWith("$")) {
            i++;
        }
        if (!"binary".equals(module.atom(i))) {
            return null;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (i++; i < module.items.size(); i++) {
            if (module.items.get(i) instanceof StringNode s) {
                bytes.writeBytes(s.bytes);
            }
        }
        return bytes.toByteArray();
    }

    sealed interface Node permits ListNode, StringNode, AtomNode {
    }

    static final class ListNode implements Node {
        final int line;
        final List<Node> items = new ArrayList<>();

        ListNode(int line) {
            this.line = line;
        }

        String atom(int i) {
            return i < items.size() && items.get(i) instanceof AtomNode a ? a.text : null;
        }
    }

    record StringNode(byte[] bytes) implements Node {
    }

    record AtomNode(String text) implements Node {
    }

    /** An iterative s-expression reader: comments skipped, strings unescaped to bytes. */
    static List<Node> parse(String s) {
        List<Node> top = new ArrayList<>();
        Deque<ListNode> stack = new ArrayDeque<>();
        int line = 1;
        int i = 0;
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (c == '\n') {
                line++;
                i++;
            } else if (Character.isWhitespace(c)) {
                i++;
            } else if (c == ';' && i + 1 < n && s.charAt(i + 1) == ';') {
                while (i < n && s.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '(' && i + 1 < n && s.charAt(i + 1) == ';') {
                int depth = 0;
                while (i < n) {
                    if (s.startsWith("(;", i)) {
                        depth++;
                        i += 2;
                    } else if (s.startsWith(";)", i)) {
                        depth--;
                        i += 2;
                        if (depth == 0) {
                            break;
                        }
                    } else {
                        if (s.charAt(i) == '\n') {
                            line++;
                        }
                        i++;
                    }
                }
            } else if (c == '(') {
                stack.push(new ListNode(line));
                i++;
            } else if (c == ')') {
                ListNode done = stack.pop();
                (stack.isEmpty() ? top : stack.peek().items).add(done);
                i++;
            } else if (c == '"') {
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                i++;
                while (s.charAt(i) != '"') {
                    char d = s.charAt(i);
                    if (d == '\\') {
                        char e = s.charAt(i + 1);
                        switch (e) {
                            case 'n' -> { b.write('\n'); i += 2; }
                            case 't' -> { b.write('\t'); i += 2; }
                            case 'r' -> { b.write('\r'); i += 2; }
                            case '\\', '\'', '"' -> { b.write(e); i += 2; }
                            case 'u' -> {
                                int close = s.indexOf('}', i);
                                int cp = Integer.parseInt(s.substring(i + 3, close), 16);
                                b.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
                                i = close + 1;
                            }
                            default -> {
                                b.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
                                i += 3;
                            }
                        }
                    } else {
                        if (d == '\n') {
                            line++;
                        }
                        int cp = s.codePointAt(i);
                        b.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
                        i += Character.charCount(cp);
                    }
                }
                i++;
                if (!stack.isEmpty()) {
                    stack.peek().items.add(new StringNode(b.toByteArray()));
                }
            } else {
                int start = i;
                while (i < n && !Character.isWhitespace(s.charAt(i)) && s.charAt(i) != '(' && s.charAt(i) != ')'
                        && s.charAt(i) != '"') {
                    i++;
                }
                if (!stack.isEmpty()) {
                    stack.peek().items.add(new AtomNode(s.substring(start, i)));
                }
            }
        }
        return top;
    }
}
