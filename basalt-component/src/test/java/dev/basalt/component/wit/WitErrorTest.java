package dev.basalt.component.wit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every syntax and resolution error: the message (what went wrong) and the place ({@code file:line:col}).
 */
class WitErrorTest {
    /** {@code at} is the expected {@code line:col}, or null for errors that belong to no single place. */
    record Case(String name, String source, String message, String at) {}

    static final List<Case> CASES = List.of(
            // lexical
            new Case("unexpected character", "package a:b;\ninterface i { $ }", "unexpected character `$`", "2:15"),
            new Case("control character", "package a:b;\u0001", "invalid character in source text U+0001", "1:13"),
            new Case("bidirectional override", "package a:b; // \u202E", "invalid character", "1:17"),
            new Case("unterminated block comment", "package a:b;\n/* /* */", "unterminated block comment", "2:1"),
            new Case("percent without identifier", "package a:b; interface % {}",
                    "expected an identifier after `%`", "1:24"),
            // identifiers
            new Case("camelCase identifier", "package a:b; interface fooBar {}",
                    "identifier `fooBar` is not kebab-case: word `fooBar` mixes upper and lower case", "1:24"),
            new Case("double dash", "package a:b; interface a--b {}", "it has an empty word (`--`)", "1:24"),
            new Case("leading digit", "package a:b; interface i { type x = 1a; }", "expected a type, found", "1:37"),
            new Case("digit-first word", "package a:b; interface i { f: func(a-1b: u8); }", null, null),
            new Case("trailing dash", "package a:b; interface i- {}", "it ends with `-`", "1:24"),
            new Case("bare keyword as identifier", "package a:b; interface i { record: func(); }",
                    "`record` is a keyword; write `%record` to use it as a name", "1:28"),
            // package declarations
            new Case("bad semver", "package a:b@1.2;", "invalid semver version `1.2`", "1:13"),
            new Case("leading zero in version", "package a:b@01.2.3;", "invalid semver version `01.2.3`", "1:13"),
            new Case("nested namespace", "package a:b:c;", "nested namespaces and packages (🪺) are not supported",
                    "1:12"),
            new Case("package declared twice", "package a:b;\npackage a:b;", "a file can declare its package only once",
                    "2:1"),
            new Case("package declaration after items", "interface i {}\npackage a:b;",
                    "the `package` declaration must come first", "2:1"),
            new Case("missing package declaration", "interface i {}", "no `package` declaration found", null),
            new Case("nested package inside package block", "package a:b { package c:d { } }",
                    "package blocks cannot be nested", "1:15"),
            // gates
            new Case("unknown gate", "package a:b@1.0.0; @stable(version = 1.0.0) interface i {}",
                    "unknown gate `@stable`", "1:20"),
            new Case("since and unstable together",
                    "package a:b@1.0.0; @since(version = 1.0.0) @unstable(feature = x) interface i {}",
                    "an item cannot be both `@since` and `@unstable`", "1:20"),
            new Case("deprecated alone", "package a:b@1.0.0; @deprecated(version = 1.0.0) interface i {}",
                    "`@deprecated` must be paired with `@since` or `@unstable`", "1:20"),
            new Case("duplicate gate", "package a:b@1.0.0; @since(version = 1.0.0) @since(version = 1.0.0) interface i {}",
                    "duplicate `@since` gate", "1:44"),
            new Case("gate without version field", "package a:b@1.0.0; @since(feature = x) interface i {}",
                    "expected `version`", "1:27"),
            new Case("gates in a package without version", "package a:b;\ninterface i { @since(version = 1.0.0) f: func(); }",
                    "package `a:b` uses feature gates, so it needs a version", "2:15"),
            // types
            new Case("empty record", "package a:b; interface i { record r {} }", "`record` needs at least one field",
                    "1:37"),
            new Case("empty enum", "package a:b; interface i { enum e {} }", "`enum` needs at least one case", "1:35"),
            new Case("zero-length list", "package a:b; interface i { type t = list<u8, 0>; }",
                    "list length must be a positive integer", "1:46"),
            new Case("huge list length", "package a:b; interface i { type t = list<u8, 99999999999>; }",
                    "list length `99999999999` is too large", "1:46"),
            new Case("result with underscore only", "package a:b; interface i { type t = result<_>; }",
                    "expected `,` after `_`", "1:45"),
            new Case("unknown type", "package a:b; interface i { type t = nope; }", "type `nope` does not exist",
                    "1:37"),
            new Case("old float32 spelling", "package a:b; interface i { type t = float32; }",
                    "type `float32` does not exist (`float32` is now written `f32`)", "1:37"),
            new Case("type depends on itself", "package a:b; interface i { type foo = foo; }",
                    "type `foo` depends on itself", "1:33"),
            new Case("records depend on each other", "package a:b; interface i { record a { x: b } record b { y: a } }",
                    "depends on itself through a -> b", "1:35"),
            new Case("borrow of a non-resource", "package a:b; interface i { type t = u8; f: func(x: borrow<t>); }",
                    "type `t` is not a resource", "1:59"),
            new Case("constructor returning something else", "package a:b; interface i { resource r { constructor() -> u32; } }",
                    "a constructor may only return `result<r, E>`", "1:58"),
            new Case("two constructors", "package a:b; interface i { resource r { constructor(); constructor(); } }",
                    "resource `r` has more than one constructor", "1:56"),
            new Case("map with float key", "package a:b; interface i { type m = map<f32, u8>; }",
                    "map keys must be integers", "1:41"),
            new Case("type nested too deeply", "package a:b; interface i { type t = " + "list<".repeat(500) + "u8"
                    + ">".repeat(500) + "; }", "type nested too deeply", null),
            // names
            new Case("duplicate type", "package a:b; interface i { type foo = u32; type foo = u64; }",
                    "name `foo` is defined more than once", "1:49"),
            new Case("function and type with one name", "package a:b; interface i { type foo = u32; FOO: func(); }",
                    "name `FOO` is defined more than once", "1:44"),
            new Case("duplicate field", "package a:b; interface i { record r { a: u8, a: u8 } }",
                    "field `a` is defined more than once", "1:46"),
            new Case("duplicate parameter", "package a:b; interface i { f: func(a: u8, a: u8); }",
                    "parameter `a` is defined more than once", "1:43"),
            new Case("duplicate interface", "package a:b; interface i {} interface i {}",
                    "duplicate item named `i` in package `a:b`", "1:39"),
            new Case("world and interface with one name", "package a:b; interface i {} world i {}",
                    "duplicate item named `i`", "1:35"),
            // use
            new Case("use of unknown interface", "package a:b; interface i { use nope.{t}; }",
                    "interface `nope` does not exist", "1:32"),
            new Case("use of unknown type", "package a:b; interface j {} interface i { use j.{t}; }",
                    "type `t` does not exist in interface `a:b/j`", "1:50"),
            new Case("use cycle", "package a:b; interface x { use y.{t}; type u = u8; } interface y { use x.{u}; type t = u8; }",
                    "interface `x` depends on itself through `use`: x -> y -> x", "1:24"),
            new Case("use of a world", "package a:b; world w {} interface i { use w.{t}; }",
                    "`w` is a world, not an interface", "1:43"),
            new Case("unknown package", "package a:b; interface i { use c:d/e.{t}; }", "package `c:d` not found",
                    "1:32"),
            new Case("unknown interface in package", "package a:b; interface i { use c:d/e.{t}; } package c:d { }",
                    "interface `e` does not exist in package `c:d`", "1:32"),
            new Case("incompatible version", "package a:b; interface i { use c:d/e@2.0.0.{t}; }\n"
                    + "package c:d@1.0.0 { interface e { type t = u8; } }",
                    "package `c:d@2.0.0` not found (available: c:d@1.0.0)", "1:32"),
            new Case("top-level use name clashes", "package a:b; use c:d/i; interface i {}\n"
                    + "package c:d { interface i {} }", "name `i` is defined more than once", "1:22"),
            // worlds
            new Case("duplicate import", "package a:b; world w { import f: func(); import f: func(); }",
                    "import `f` is defined more than once", "1:49"),
            new Case("include cycle", "package a:b; world v { include w; } world w { include v; }",
                    "world `v` includes itself", "1:20"),
            new Case("include of unknown world", "package a:b; world w { include nope; }",
                    "world `nope` does not exist", "1:32"),
            new Case("include conflict on plain name", "package a:b; world one { import a: func(); }\n"
                    + "world two { import a: func(); } world both { include one; include two; }",
                    "import `a` of included world `two` conflicts with an existing import; rename it with `with { a as ... }`",
                    "2:67"),
            new Case("with renames an interface name", "package a:b; interface a {} world u { import a; }\n"
                    + "world v { include u with { a as b } }",
                    "`with` name `a` is not a plain-name import or export of world `u`", "2:28"),
            new Case("import of a package", "package a:b; world w { import a:b; }", "`a:b` names a package, not an interface", "1:31"),
            new Case("external-id", "package a:b; world w { @external-id(\"x\") import f: func(); }",
                    "`@external-id` (🏷️) is not supported", "1:24"),
            new Case("missing semicolon", "package a:b; interface i { f: func() }", "expected `;`, found `}`", "1:38"),
            new Case("unexpected end of file", "package a:b; interface i {", "expected `}`, found end of file", "1:27"));

    @TestFactory
    Stream<DynamicTest> errors() {
        return CASES.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            if (c.message() == null) {
                // accepted: `a-1b` is a valid label (the first word starts with a letter)
                WitLoader.load("t.wit", c.source(), WitLoader.Options.DEFAULT);
                return;
            }
            assertThatThrownBy(() -> WitLoader.load("t.wit", c.source(), WitLoader.Options.DEFAULT))
                    .isInstanceOf(WitException.class)
                    .satisfies(e -> {
                        WitException we = (WitException) e;
                        assertThat(we.getMessage()).contains(c.message());
                        if (c.at() != null) {
                            assertThat(we.span()).as(we.getMessage()).isPresent();
                            assertThat(we.span().get().line() + ":" + we.span().get().col()).as(we.getMessage())
                                    .isEqualTo(c.at());
                            assertThat(we.getMessage()).startsWith("t.wit:" + c.at() + ": ");
                        }
                    });
        }));
    }

    @Test
    void mutatedSourcesFailOnlyWithWitException() {
        String base = """
                package a:b@1.0.0;
                /// docs
                @since(version = 1.0.0)
                interface i {
                  use j.{t as u};
                  record r { a: list<tuple<u8, string>>, b: option<result<_, u>> }
                  resource res { constructor(x: u32); m: func() -> borrow<res>; s: static func() -> res; }
                  variant v { x(u8), y }
                  f: async func(a: r, b: v) -> future<stream<u8>>;
                }
                interface j { type t = u8; }
                world w { import i; export g: func(); include z with { q as p } }
                world z { import q: func(); }
                """;
        java.util.Random random = new java.util.Random(42);
        String alphabet = "{}()<>;:,.@/%-=_*abAZ09 \n\"";
        int wit = 0;
        for (int n = 0; n < 3000; n++) {
            StringBuilder sb = new StringBuilder(base);
            for (int k = 0; k < 1 + random.nextInt(3); k++) {
                int pos = random.nextInt(sb.length());
                switch (random.nextInt(3)) {
                    case 0 -> sb.deleteCharAt(pos);
                    case 1 -> sb.insert(pos, alphabet.charAt(random.nextInt(alphabet.length())));
                    default -> sb.setCharAt(pos, alphabet.charAt(random.nextInt(alphabet.length())));
                }
            }
            try {
                WitLoader.load("m.wit", sb.toString(), WitLoader.Options.DEFAULT);
            } catch (WitException e) {
                wit++;
            }
        }
        assertThat(wit).as("most mutations are errors").isGreaterThan(1000);
    }
}
