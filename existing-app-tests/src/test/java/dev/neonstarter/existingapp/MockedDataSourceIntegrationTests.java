package dev.neonstarter.existingapp;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoBean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * A {@code @SpringBootTest} that mocks its {@code DataSource} with {@code @MockitoBean} while {@code DATABASE_URL}
 * names a real database: the mock replaces the pooled pool only (the direct pool is not a default candidate), so
 * the starter stops before its direct pool, or Flyway on it, connects, and says how to write such a test. The
 * failing test runs through {@code EngineTestKit}; the real database behind the counting proxy sees no connection.
 */
class MockedDataSourceIntegrationTests {

	private static final String RUN_BY_TEST_KIT = "neon.test.mocked-data-source";

	@RegisterExtension
	static final RealDatabase realDatabase = new RealDatabase();

	@Test
	void theStarterStopsBeforeAnyConnectionAndSaysWhatToDo() {
		EngineExecutionResults results = EngineTestKit.engine("junit-jupiter")
			.configurationParameter(RUN_BY_TEST_KIT, "true")
			.selectors(selectClass(ApplicationTestWithAMockedDataSource.class))
			.execute();

		results.testEvents().assertStatistics((stats) -> stats.started(1).failed(1));
		Throwable failure = results.testEvents()
			.failed()
			.stream()
			.findFirst()
			.flatMap((event) -> event.getPayload(TestExecutionResult.class))
			.flatMap(TestExecutionResult::getThrowable)
			.orElseThrow();
		while (failure.getCause() != null && !(failure instanceof IllegalStateException
				&& String.valueOf(failure.getMessage()).startsWith("The Neon pooled DataSource"))) {
			failure = failure.getCause();
		}
		assertThat(failure).hasMessageContaining("'neonPooledDataSource' has been replaced by")
			.hasMessageContaining("neon.enabled=false")
			.hasMessageContaining("@AutoConfigureEmbeddedNeon");
		realDatabase.assertUntouched();
	}

	@SpringBootTest
	@ExtendWith(OnlyInTestKit.class)
	static class ApplicationTestWithAMockedDataSource {

		@MockitoBean
		DataSource dataSource;

		@DynamicPropertySource
		static void realDatabaseInTheEnvironment(DynamicPropertyRegistry registry) {
			realDatabase.register(registry);
		}

		@Test
		void startsWithoutADatabase() {
		}

	}

	/** Runs the inner test class only when the outer one runs it. */
	static class OnlyInTestKit implements ExecutionCondition {

		@Override
		public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
			return context.getConfigurationParameter(RUN_BY_TEST_KIT, Boolean::parseBoolean).orElse(false)
					? ConditionEvaluationResult.enabled("run by MockedDataSourceIntegrationTests")
					: ConditionEvaluationResult.disabled("run only by MockedDataSourceIntegrationTests");
		}

	}

}
