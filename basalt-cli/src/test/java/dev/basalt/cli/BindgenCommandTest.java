package dev.basalt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BindgenCommandTest {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void writesOneFilePerInterfaceAndTheWorld() throws IOException {
        Path wit = dir.resolve("greeter.wit");
        Files.writeString(wit, """
                package demo:greeter;
                interface names { record person { name: string, age: u8 } }
                world greeter {
                  use names.{person};
                  import log: func(line: string);
                  export greet: func(who: person) -> string;
                }
                """);
        Run r = run("bindgen", wit.toString(), "--package", "com.example.greeter", "-o", dir.resolve("src").toString());
        assertThat(r.code()).as(r.err()).isZero();
        Path pkg = dir.resolve("src/com/example/greeter");
        assertThat(r.out().lines()).containsExactly(pkg.resolve("Greeter.java").toString(),
                pkg.resolve("Names.java").toString());
        assertThat(Files.readString(pkg.resolve("Names.java"))).contains("public record Person(String name, byte age)");
        assertThat(Files.readString(pkg.resolve("Greeter.java")))
                .contains("public String greet(Names.Person who)", "void log(String line);");
    }

    @Test
    void badArgumentsAreClearErrors() throws IOException {
        Path wit = dir.resolve("two.wit");
        Files.writeString(wit, "package demo:two;\nworld a {}\nworld b {}\n");
        Run none = run("bindgen", wit.toString(), "--package", "x", "-o", dir.toString());
        assertThat(none.code()).isEqualTo(Main.PROBLEM);
        assertThat(none.err()).isEqualTo("basalt: choose a world with --world: the package has [a, b]\n");
        Run missing = run("bindgen", wit.toString(), "--world", "c", "--package", "x", "-o", dir.toString());
        assertThat(missing.err()).startsWith("basalt: no world c in ");
        Run badPackage = run("bindgen", wit.toString(), "--world", "a", "--package", "1x", "-o", dir.toString());
        assertThat(badPackage.err()).isEqualTo("basalt: --package 1x is not a Java package name\n");
    }
}
