package dev.basalt.component.model;

import java.util.Optional;

/** {@code export ::= na:<nameattributes> si:<sortidx> et?:<externtype>?}. */
public record Export(ExternName name, Sort sort, int index, Optional<ExternType> type) {
}
