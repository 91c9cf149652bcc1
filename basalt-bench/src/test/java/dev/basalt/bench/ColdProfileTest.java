package dev.basalt.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * The cold-start diagnostic on a real call (no timing asserted): the sort workload's first call in this JVM is
 * recorded, and its samples land on the generated methods that ran it, each counted once.
 */
class ColdProfileTest {
    @Test
    void samplesOfTheCallAreAttributedToGeneratedMethodsAndTiers() throws IOException {
        Workload sort = Workload.all().stream().filter(w -> w.name().equals("sort")).findFirst().orElseThrow();

        ColdProfile.Profile p = ColdProfile.profile(sort);

        assertThat(p.result()).isEqualTo(sort.expected());
        ColdProfile.Report r = p.report();
        // sort's first call runs quicksort, a loop over 300,000 values and more: far more than one sampling period
        assertThat(r.samples()).isPositive();
        assertThat(r.byTier().values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(r.samples());
        int inGenerated = r.samples() - r.byTier().get(ColdProfile.Tier.OUTSIDE);
        assertThat(r.methods().values().stream().mapToInt(ColdProfile.MethodFigures::total).sum())
                .isEqualTo(inGenerated);
        // the module's classes are new, so the methods that ran the call were JIT-compiled during it
        assertThat(r.methods().values()).anySatisfy(f -> assertThat(f.compiles).isNotEmpty());
        assertThat(p.format()).startsWith("sort: compile ").contains("samples in the call");
    }
}
