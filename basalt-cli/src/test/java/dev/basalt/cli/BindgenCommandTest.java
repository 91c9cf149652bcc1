package dev.basalt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BindgenCommandTest {
    @TempDir
    Path dir;


    static CliRun run(String... args) {
        return CliRun.of(args);
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
        CliRun r = run("bindgen", wit.toString(), "--package", "com.example.greeter", "-o", dir.resolve("src").toString());
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
        CliRun none = run("bindgen", wit.toString(), "--package", "x", "-o", dir.toString());
        assertThat(none.code()).isEqualTo(Main.PROBLEM);
        assertThat(none.err()).isEqualTo("basalt: choose a world with --world: the package has [a, b]\n");
        CliRun missing = run("bindgen", wit.toString(), "--world", "c", "--package", "x", "-o", dir.toString());
        assertThat(missing.err()).startsWith("basalt: no world c in ");
        CliRun badPackage = run("bindgen", wit.toString(), "--world", "a", "--package", "1x", "-o", dir.toString());
        assertThat(badPackage.err()).isEqualTo("basalt: --package 1x is not a Java package name\n");
    }
}
