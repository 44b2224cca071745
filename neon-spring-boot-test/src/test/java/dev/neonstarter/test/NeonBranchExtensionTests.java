package dev.neonstarter.test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.neonstarter.api.NeonBranchConnection;
import dev.neonstarter.testsupport.ChildJvm;
import dev.neonstarter.testsupport.NeonApiStub;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * {@link NeonBranch} end to end against {@link NeonApiStub}: each scenario is an inner test class run through
 * JUnit's {@code EngineTestKit}, after which the requests the stub received show what the extension did.
 */
class NeonBranchExtensionTests {

	static final String POOLED = "postgresql://neondb_owner:npg_s3cret@ep-small-bush-675287-pooler.us-east-2.aws.neon.tech/neondb?sslmode=require";

	static final String DIRECT = "postgresql://neondb_owner:npg_s3cret@ep-small-bush-675287.us-east-2.aws.neon.tech/neondb?sslmode=require";

	/** What the inner classes saw. */
	static final List<NeonBranchConnection> seen = new CopyOnWriteArrayList<>();

	@RegisterExtension
	static final NeonApiStub neon = NeonApiStub.start();

	@BeforeEach
	void forgetWhatTheInnerClassesSaw() {
		seen.clear();
	}

	static EngineExecutionResults run(Class<?> testClass, Map<String, String> configuration) {
		return EngineTestKit.engine("junit-jupiter")
			.configurationParameters(configuration)
			.configurationParameter(EngineTestKitOnly.PARAMETER, "true")
			.selectors(selectClass(testClass))
			.execute();
	}

	private static Map<String, String> configuration(String name, String value) {
		Map<String, String> configuration = new HashMap<>(neon.configuration());
		configuration.put(name, value);
		return configuration;
	}

	private static List<String> reportedBranchNames(EngineExecutionResults results) {
		return results.allEvents()
			.reportingEntryPublished()
			.stream()
			.map((event) -> event.getRequiredPayload(ReportEntry.class).getKeyValuePairs())
			.filter((entry) -> entry.containsKey(NeonBranchExtension.REPORT_ENTRY))
			.map((entry) -> entry.get(NeonBranchExtension.REPORT_ENTRY))
			.toList();
	}

	/** The message of the one failure of the test class, which ran no test. */
	private static String classFailure(EngineExecutionResults results) {
		results.testEvents().assertStatistics((stats) -> stats.started(0));
		List<Event> failed = results.containerEvents().failed().list();
		assertThat(failed).hasSize(1);
		return failed.get(0)
			.getRequiredPayload(TestExecutionResult.class)
			.getThrowable()
			.map(Throwable::getMessage)
			.orElse("");
	}

	@Test
	void oneBranchServesAllTestsOfTheClassAndIsDeletedAfterThem() {
		neon.branchLifecycle(2, POOLED, DIRECT);
		EngineExecutionResults results = run(TwoTests.class, neon.configuration());

		results.testEvents().assertStatistics((stats) -> stats.started(2).succeeded(2));
		assertThat(neon.creates()).hasSize(1);
		String name = neon.creates().get(0).getBodyAsString().replaceAll(".*\"name\":\"([^\"]+)\".*", "$1");
		assertThat(name).matches("ci-test-\\d{8}-\\d{6}-[a-z0-9]{6}");
		assertThat(reportedBranchNames(results)).containsExactly(name);
		assertThat(seen).hasSize(2).allSatisfy((branch) -> {
			assertThat(branch.name()).isEqualTo(name);
			assertThat(branch.pooledUri()).isEqualTo(POOLED);
			assertThat(branch.directUri()).isEqualTo(DIRECT);
		});
		assertThat(neon.deletes()).singleElement()
			.satisfies((delete) -> assertThat(delete.getUrl()).endsWith("/branches/" + NeonApiStub.BRANCH_ID));
	}

	@Test
	void theBranchIsDeletedWhenATestFails() {
		neon.branchLifecycle(0, POOLED, DIRECT);
		EngineExecutionResults results = run(FailingTest.class, neon.configuration());

		results.testEvents().assertStatistics((stats) -> stats.started(1).failed(1));
		assertThat(neon.creates()).hasSize(1);
		assertThat(neon.deletes()).hasSize(1);
	}

	@Test
	void keepTrueKeepsTheBranchAndReportsItsName() {
		neon.branchLifecycle(0, POOLED, DIRECT);
		EngineExecutionResults results = run(KeptBranchTest.class, neon.configuration());

		results.testEvents().assertStatistics((stats) -> stats.succeeded(1));
		// The branch reached the constructor of a PER_CLASS instance, so it existed before the instance.
		assertThat(seen).singleElement().satisfies((branch) -> assertThat(branch.name()).startsWith("debug-me-"));
		assertThat(reportedBranchNames(results)).containsExactly(seen.get(0).name());
		assertThat(neon.deletes()).isEmpty();
	}

	@Test
	void theKeepVariableKeepsEveryBranch() {
		neon.branchLifecycle(0, POOLED, DIRECT);
		EngineExecutionResults results = run(TwoTests.class, configuration(NeonBranchExtension.KEEP_VARIABLE, "true"));

		results.testEvents().assertStatistics((stats) -> stats.succeeded(2));
		assertThat(neon.creates()).hasSize(1);
		assertThat(neon.deletes()).isEmpty();
	}

	@Test
	void withoutAnApiKeyTheClassIsSkippedWithAReason() {
		EngineExecutionResults results = run(TwoTests.class, configuration("neon.api.key", " "));

		assertThat(results.containerEvents().skipped().stream()
			.map((event) -> event.getRequiredPayload(String.class))).singleElement()
			.satisfies((reason) -> assertThat(reason).startsWith("@NeonBranch needs a Neon API key")
				.contains("NEON_API_KEY", "NEON_PROJECT_ID"));
		results.testEvents().assertStatistics((stats) -> stats.started(0));
		assertThat(neon.requestCount()).isZero();
	}

	@Test
	void aRejectedKeyFailsTheClassWithAClearMessageAndRunsNoTest() {
		neon.branchLifecycle(0, POOLED, DIRECT);
		EngineExecutionResults results = run(TwoTests.class, configuration("neon.api.key", "napi_revoked_0000000000"));

		assertThat(classFailure(results)).startsWith("The Neon API rejected the API key (401 Unauthorized)")
			.doesNotContain("napi_revoked_0000000000");
		// One refused attempt, nothing created, so nothing to delete.
		assertThat(neon.creates()).hasSize(1);
		assertThat(neon.deletes()).isEmpty();
	}

	@Test
	void aKeyWithoutAProjectFailsTheClassSayingWhatIsMissing() {
		EngineExecutionResults results = run(TwoTests.class, configuration("neon.api.project-id", " "));

		assertThat(classFailure(results)).startsWith("No Neon project id: set the NEON_PROJECT_ID");
		assertThat(neon.requestCount()).isZero();
	}

	@Test
	void aFailedOperationFailsTheClassAndLeavesNoBranch() {
		neon.branchLifecycle(0, POOLED, DIRECT).failingCreateOperation(1, "could not start compute");
		EngineExecutionResults results = run(TwoTests.class, neon.configuration());

		assertThat(classFailure(results)).endsWith("ended with status 'failed': could not start compute");
		assertThat(neon.deletes()).hasSize(1);
	}

	@Test
	void nestedClassesShareTheirEnclosingClassesBranch() {
		neon.branchLifecycle(0, POOLED, DIRECT);
		EngineExecutionResults results = run(WithNestedTests.class, neon.configuration());

		results.testEvents().assertStatistics((stats) -> stats.succeeded(2));
		assertThat(seen).hasSize(2).extracting(NeonBranchConnection::id).containsOnly(NeonApiStub.BRANCH_ID);
		assertThat(neon.creates()).hasSize(1);
		assertThat(neon.deletes()).hasSize(1);
	}

	@Test
	void theBranchIsDeletedWhenTheJvmIsStoppedWhileATestRuns() throws Exception {
		neon.branchLifecycle(0, POOLED, DIRECT);
		try (ChildJvm child = ChildJvm.start(StoppedJvm.class, neon.baseUrl())) {
			assertThat(child.awaitLine(StoppedJvm.RUNNING)).as("the child JVM's test started").isTrue();
			assertThat(neon.deletes()).isEmpty();
			assertThat(child.stop()).isTrue();
		}
		assertThat(neon.creates()).hasSize(1);
		assertThat(neon.deletes()).singleElement()
			.satisfies((delete) -> assertThat(delete.getUrl()).endsWith("/branches/" + NeonApiStub.BRANCH_ID));
	}

	/** A JVM that runs {@link BlockedTest} against the stub at {@code args[0]} and is stopped while it runs. */
	static final class StoppedJvm {

		static final String RUNNING = "neon-branch-test-running";

		public static void main(String[] args) {
			Map<String, String> configuration = new HashMap<>(Map.of("neon.api.key", NeonApiStub.API_KEY,
					"neon.api.project-id", NeonApiStub.PROJECT_ID, "neon.api.base-url", args[0],
					"neon.api.poll-interval", "10ms", EngineTestKitOnly.PARAMETER, "true"));
			LauncherFactory.create()
				.execute(LauncherDiscoveryRequestBuilder.request()
					.selectors(selectClass(BlockedTest.class))
					.configurationParameters(configuration)
					.build());
		}

	}

	@NeonBranch
	@ExtendWith(EngineTestKitOnly.class)
	static class BlockedTest {

		@Test
		void waitsToBeStopped() throws InterruptedException {
			System.out.println(StoppedJvm.RUNNING);
			System.out.flush();
			Thread.sleep(60_000);
		}

	}

	@NeonBranch
	@ExtendWith(EngineTestKitOnly.class)
	static class TwoTests {

		@Test
		void first(NeonBranchConnection branch) {
			seen.add(branch);
		}

		@Test
		void second(NeonBranchConnection branch) {
			seen.add(branch);
		}

	}

	@NeonBranch(parent = "main")
	@ExtendWith(EngineTestKitOnly.class)
	static class FailingTest {

		@Test
		void fails() {
			assertThat(1 + 1).as("a deliberately failing test").isEqualTo(3);
		}

	}

	@NeonBranch(keep = true, namePrefix = "debug-me")
	@TestInstance(TestInstance.Lifecycle.PER_CLASS)
	@ExtendWith(EngineTestKitOnly.class)
	static class KeptBranchTest {

		KeptBranchTest(NeonBranchConnection branch) {
			seen.add(branch);
		}

		@Test
		void runs() {
		}

	}

	@NeonBranch
	@ExtendWith(EngineTestKitOnly.class)
	static class WithNestedTests {

		@Test
		void outer(NeonBranchConnection branch) {
			seen.add(branch);
		}

		@Nested
		class Inner {

			@Test
			void inner(NeonBranchConnection branch) {
				seen.add(branch);
			}

		}

	}

}
