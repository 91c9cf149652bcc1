package dev.basalt.wasm.binary;

import dev.basalt.wasm.SpecTestsuite;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.basalt.wasm.MalformedException;
import dev.basalt.wasm.WasmModule;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Mutates valid module binaries at random (fixed seed) and checks that decoding either succeeds or fails with a
 * {@link MalformedException}: never another exception, never an error such as {@link OutOfMemoryError} or
 * {@link StackOverflowError}, and never slowly.
 */
class HostileInputTest {
    private static final int MUTANTS_PER_SEED = 3000;

    @Test
    void randomMutationsOnlyEverRaiseMalformedException() throws IOException {
        List<byte[]> seeds = new ArrayList<>();
        for (WasmModule m : SampleModules.seeds()) {
            seeds.add(BinaryWriter.write(m));
        }
        Path suite = SpecTestsuite.dir();
        if (suite != null) {
            // a few real-world shaped modules from the suite too
            for (WastBinaryCases.Case c : WastBinaryCases.cases(suite, suite.resolve("binary.wast"))) {
                if (c.malformedReason() == null && c.bytes().length > 20) {
                    seeds.add(c.bytes());
                }
            }
        }
        Random random = new Random(0x5EED_BA5A17L);
        int decoded = 0;
        int malformed = 0;
        for (byte[] seed : seeds) {
            for (int i = 0; i < MUTANTS_PER_SEED; i++) {
                byte[] mutant = mutate(seed, random);
                try {
                    WasmModule m = BinaryReader.read(mutant);
                    decoded++;
                    // whatever decodes must also survive a round trip
                    assertThat(BinaryReader.read(BinaryWriter.write(m))).isEqualTo(m);
                } catch (MalformedException e) {
                    malformed++;
                    assertThat(e.offset()).isBetween(0L, (long) mutant.length);
                } catch (Throwable t) {
                    fail("unexpected " + t + " for mutant " + Bytes.hex(mutant), t);
                }
            }
        }
        assertThat(decoded + malformed).isEqualTo(seeds.size() * MUTANTS_PER_SEED);
        assertThat(malformed).as("most mutants are malformed").isGreaterThan(decoded / 4);
    }

    @Test
    void hugeCountsDoNotAllocate() {
        // a code section claiming 2^32-1 functions, a body claiming 2^32-1 local groups, a br_table of 2^32-1 labels
        for (String hex : List.of(
                "0a 05 ff ff ff ff 0f",
                "01 04 01 60 00 00 03 02 01 00 0a 08 01 06 ff ff ff ff 0f 7f",
                "01 04 01 60 00 00 03 02 01 00 0a 0a 01 08 00 0e ff ff ff ff 0f 00",
                "0b 07 01 01 ff ff ff ff 0f")) {
            byte[] bytes = Bytes.module(hex);
            try {
                BinaryReader.read(bytes);
                fail("should be malformed: " + hex);
            } catch (MalformedException expected) {
                assertThat(expected.reason()).isNotBlank();
            }
        }
    }

    @Test
    void deeplyNestedBlocksDoNotRecurse() {
        int depth = 200_000;
        byte[] body = new byte[depth * 3 + 2];
        int p = 0;
        body[p++] = 0x00; // no locals
        for (int i = 0; i < depth; i++) {
            body[p++] = 0x02;
            body[p++] = 0x40;
        }
        for (int i = 0; i < depth; i++) {
            body[p++] = 0x0B;
        }
        body[p++] = 0x0B;
        ByteWriter code = new ByteWriter();
        code.u32(1);
        code.u32(body.length);
        code.bytes(body);
        ByteWriter w = new ByteWriter();
        w.bytes(Bytes.module(Bytes.section(1, "01 60 00 00"), Bytes.section(3, "01 00")));
        w.u8(10);
        w.sized(code);
        WasmModule m = BinaryReader.read(w.toByteArray());
        assertThat(m.functions().get(0).body().instructions()).hasSize(2 * depth);
    }

    private static byte[] mutate(byte[] seed, Random random) {
        byte[] b = seed.clone();
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits; e++) {
            int kind = random.nextInt(7);
            int at = b.length == 0 ? 0 : random.nextInt(b.length);
            switch (kind) {
                case 0 -> { // bit flip
                    if (b.length > 0) {
                        b[at] ^= (byte) (1 << random.nextInt(8));
                    }
                }
                case 1 -> { // random byte
                    if (b.length > 0) {
                        b[at] = (byte) random.nextInt(256);
                    }
                }
                case 2 -> b = Arrays.copyOf(b, at); // truncate
                case 3 -> { // insert bytes
                    int n = 1 + random.nextInt(4);
                    byte[] out = new byte[b.length + n];
                    System.arraycopy(b, 0, out, 0, at);
                    for (int i = 0; i < n; i++) {
                        out[at + i] = (byte) random.nextInt(256);
                    }
                    System.arraycopy(b, at, out, at + n, b.length - at);
                    b = out;
                }
                case 4 -> { // delete bytes
                    int n = Math.min(1 + random.nextInt(4), b.length - at);
                    byte[] out = new byte[b.length - n];
                    System.arraycopy(b, 0, out, 0, at);
                    System.arraycopy(b, at + n, out, at, b.length - at - n);
                    b = out;
                }
                case 5 -> { // a huge LEB128 count
                    byte[] huge = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F};
                    byte[] out = new byte[b.length + huge.length];
                    System.arraycopy(b, 0, out, 0, at);
                    System.arraycopy(huge, 0, out, at, huge.length);
                    System.arraycopy(b, at, out, at + huge.length, b.length - at);
                    b = out;
                }
                default -> { // duplicate a chunk
                    int n = Math.min(1 + random.nextInt(16), b.length - at);
                    byte[] out = new byte[b.length + n];
                    System.arraycopy(b, 0, out, 0, at + n);
                    System.arraycopy(b, at, out, at + n, b.length - at);
                    b = out;
                }
            }
        }
        return b;
    }
}
