package dev.basalt.component.validate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.component.binary.ComponentBinaryReader;
import dev.basalt.component.binary.ComponentBinaryWriter;
import dev.basalt.component.model.Component;
import dev.basalt.component.text.ComponentTextParser;
import dev.basalt.component.text.ComponentTextSuiteTest;
import dev.basalt.wasm.BasaltException;
import dev.basalt.wasm.wast.Directive;
import dev.basalt.wasm.wast.ModuleSource;
import dev.basalt.wasm.wast.WastParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Hostile input for the component text parser and validator: mutations of the testsuite's components (text: token
 * deletions, duplications and swaps; binary: byte flips and truncations of their encodings) may only fail with
 * Basalt's own exceptions, and deep nesting is refused rather than overflowing the stack.
 */
class HostileComponentTest {
    private static final int MUTATIONS_PER_COMPONENT = 4;

    @Test
    void mutatedComponentsFailOnlyWithBasaltExceptions() throws IOException {
        Path root = ComponentTextSuiteTest.suite();
        List<String> texts = new ArrayList<>();
        for (Path f : ComponentTextSuiteTest.scripts(root)) {
            for (Directive d : WastParser.parse(f.toString(), Files.readAllBytes(f)).directives()) {
                ModuleSource src = switch (d) {
                    case Directive.Module m -> m.source();
                    case Directive.AssertInvalid a -> a.module();
                    default -> null;
                };
                if (src instanceof ModuleSource.Component c && c.binary().isEmpty()) {
                    texts.add(c.text());
                }
            }
        }
        Random random = new Random(20261126);
        List<String> crashes = new ArrayList<>();
        int runs = 0;
        for (String text : texts) {
            String[] tokens = text.split("(?<=[()\\s])|(?=[()\\s])");
            for (int m = 0; m < MUTATIONS_PER_COMPONENT; m++) {
                List<String> t = new ArrayList<>(List.of(tokens));
                int i = random.nextInt(t.size());
                switch (random.nextInt(3)) {
                    case 0 -> t.subList(i, Math.min(t.size(), i + 1 + random.nextInt(4))).clear();
                    case 1 -> t.add(i, t.get(random.nextInt(t.size())));
                    default -> {
                        int j = random.nextInt(t.size());
                        String x = t.get(i);
                        t.set(i, t.get(j));
                        t.set(j, x);
                    }
                }
                runs++;
                check(String.join("", t), crashes);
            }
            try {
                byte[] bin = ComponentBinaryWriter.write(ComponentTextParser.parse(text));
                for (int m = 0; m < MUTATIONS_PER_COMPONENT; m++) {
                    byte[] b = bin.clone();
                    if (random.nextBoolean() && b.length > 9) {
                        b = java.util.Arrays.copyOf(b, 8 + random.nextInt(b.length - 8));
                    } else {
                        b[8 + random.nextInt(b.length - 8)] ^= (byte) (1 << random.nextInt(8));
                    }
                    runs++;
                    checkBinary(b, crashes);
                }
            } catch (BasaltException e) {
                // the subject of an assert_invalid that the parser already rejects
            }
        }
        crashes.stream().limit(20).forEach(System.out::println);
        assertThat(runs).isGreaterThan(2000);
        assertThat(crashes).isEmpty();
    }

    private static void check(String text, List<String> crashes) {
        try {
            Component c = ComponentTextParser.parse(text);
            ComponentValidator.validate(c);
        } catch (BasaltException e) {
            // expected: malformed or invalid
        } catch (RuntimeException | StackOverflowError e) {
            crashes.add(e + " for: " + text.replace('\n', ' '));
        }
    }

    private static void checkBinary(byte[] bytes, List<String> crashes) {
        try {
            ComponentValidator.validate(ComponentBinaryReader.read(bytes));
        } catch (BasaltException e) {
            // expected
        } catch (RuntimeException | StackOverflowError e) {
            crashes.add(e + " for binary " + java.util.HexFormat.of().formatHex(bytes));
        }
    }

    @Test
    void deepNestingIsRefused() {
        String deepType = "(component (type " + "(list ".repeat(5000) + "u8" + ")".repeat(5000) + "))";
        check(deepType, new ArrayList<>());
        String deepComponents = "(component " + "(component ".repeat(3000) + ")".repeat(3001);
        List<String> crashes = new ArrayList<>();
        check(deepComponents, crashes);
        check(deepType, crashes);
        assertThat(crashes).isEmpty();
    }

    /**
     * A chain of records each holding the previous type twice describes a value of 2^60 bytes: the size and
     * alignment checks must see that by visiting each definition once (they were exponential in the chain length
     * and hung), and refuse it as too large.
     */
    @Test
    void sharedTypeChainIsSizedInLinearTime() {
        StringBuilder text = new StringBuilder("(component (type $t0 (record (field \"a\" u8) (field \"b\" u8)))");
        for (int i = 1; i <= 60; i++) {
            text.append(" (type $t").append(i).append(" (record (field \"a\" $t").append(i - 1)
                    .append(") (field \"b\" $t").append(i - 1).append(")))");
        }
        text.append(")");
        Component chain = ComponentTextParser.parse(text.toString());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ComponentValidator.validate(chain))
                .isInstanceOf(dev.basalt.wasm.InvalidException.class)
                .hasMessageContaining("type exceeds maximum byte size");
    }
}
