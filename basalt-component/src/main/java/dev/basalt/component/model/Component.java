package dev.basalt.component.model;

import java.util.List;

/**
 * A component (Binary.md "Component Definitions"): its sections in binary order. Index spaces are built by
 * walking the sections; nested components are {@link Section.Components} entries.
 */
public record Component(List<Section> sections) {
    public Component {
        sections = List.copyOf(sections);
    }
}
