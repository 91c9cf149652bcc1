/**
 * The WAST script runner shared by {@code basalt wast} and the JUnit spec suite, and access to the spec testsuite.
 *
 * <p>Main types: {@link dev.basalt.testkit.WastRunner} (runs a script, one {@link dev.basalt.testkit.Outcome} per
 * directive), {@link dev.basalt.testkit.ExecutionBackend} (the seam to an engine; {@link
 * dev.basalt.testkit.NoExecution} while there is none), {@link dev.basalt.testkit.ResultMatcher}
 * ({@code assert_return} patterns), {@link dev.basalt.testkit.SpecSuite} (where the suite is, which scripts it has),
 * {@link dev.basalt.testkit.NpmPackages} (where the npm packages with real programs for tests are installed),
 * {@link dev.basalt.testkit.DockerRegistry} (a real OCI registry process for the registry tests).
 *
 * {@snippet :
 * WastRunner runner = WastRunner.standard(ExecutionBackends.preferred());
 * for (SpecSuite.Script s : SpecSuite.locate().orElseThrow().scripts()) {
 *     ScriptResult r = runner.run(s.path(), s.name());
 *     System.out.println(r.summary());
 * }
 * }
 */
package dev.basalt.testkit;
