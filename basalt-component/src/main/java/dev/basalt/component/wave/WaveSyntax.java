package dev.basalt.component.wave;

import java.util.List;
import java.util.Optional;

/**
 * WAVE text as parsed before any type is known. WAVE is type-directed ({@code 1} is an integer or a float, a label is
 * an enum case or a variant case, {@code {}} is empty flags), so {@link WaveParser} first builds this tree and
 * {@link Wave#toValue} then reads it against a {@link dev.basalt.component.ValueType}. Every node keeps its start
 * offset in the text for error messages.
 */
sealed interface WaveSyntax {
    int offset();

    record Bool(boolean value, int offset) implements WaveSyntax {
    }

    /** A number as written: digits with optional sign, fraction and exponent, or {@code nan}, {@code inf}, {@code -inf}. */
    record Number(String text, int offset) implements WaveSyntax {
    }

    record Char(int codePoint, int offset) implements WaveSyntax {
    }

    record Str(String value, int offset) implements WaveSyntax {
    }

    record Tuple(List<WaveSyntax> elements, int offset) implements WaveSyntax {
    }

    record ListOf(List<WaveSyntax> elements, int offset) implements WaveSyntax {
    }

    /** {@code {a: 1, b: 2}}, or {@code {:}} (a record whose fields are all omitted options). */
    record RecordOf(List<Field> fields, int offset) implements WaveSyntax {
    }

    record Field(String name, WaveSyntax value, int offset) {
    }

    /** {@code {read, write}}, or {@code {}}. */
    record Flags(List<String> labels, int offset) implements WaveSyntax {
    }

    /** A label (enum case, or variant case with an optional payload); {@code %}-escaped keywords land here too. */
    record Label(String name, Optional<WaveSyntax> payload, int offset) implements WaveSyntax {
    }

    record Some(WaveSyntax value, int offset) implements WaveSyntax {
    }

    record None(int offset) implements WaveSyntax {
    }

    /** {@code ok}, {@code ok(v)}, {@code err}, {@code err(v)}. */
    record ResultOf(boolean ok, Optional<WaveSyntax> payload, int offset) implements WaveSyntax {
    }
}
