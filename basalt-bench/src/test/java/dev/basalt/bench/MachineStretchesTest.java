package dev.basalt.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The slow-stretch analysis on made-up timings (no timing of its own). */
class MachineStretchesTest {
    @Test
    void countsWhichSeriesAreSlowInTheRoundsWhereBasaltIsSlow() {
        // Ten rounds: Basalt slow (2x) in rounds 3-5, Endive in rounds 3, 4 and 8, the control never.
        double[][] ms = {
            {5, 5, 5, 10, 10, 10, 5, 5, 5, 5},
            {6, 6, 6, 12, 12, 6, 6, 6, 12, 6},
            {19, 19, 19, 19, 19, 19, 19, 19, 19, 19},
        };
        String report = MachineStretches.report("fib", List.of("basalt", "endive", "latency"), ms, false);
        assertThat(report)
                .contains("basalt     p10    5.00  median    5.00  slow   3")
                .contains("endive     slow in 2 of the 3 rounds Basalt is slow, in 1 of the 7 others")
                .contains("latency    slow in 0 of the 3 rounds Basalt is slow, in 0 of the 7 others")
                // Endive/Basalt per round: 0.6 in round 5 only (Endive fast while Basalt is slow), above 1 in the others.
                .contains("Basalt faster than Endive's call next to it in 9 of 10 rounds");
    }

    @Test
    void runsFibOnBothRuntimesAndTheControls() {
        // One timed round after none of warm-up: every series runs (a wrong fib answer throws).
        MachineStretches.main(new String[] {"fib", "1", "0"});
    }
}
