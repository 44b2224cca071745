package dev.neonstarter.sample;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;

import dev.neonstarter.testsupport.NeonTestTopology;
import dev.neonstarter.testsupport.RequiresPgBouncer;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.util.ClassUtils;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The sample app with {@code resilience4j-spring-boot4} and Spring Boot's AspectJ starter added, as an
 * application adds them for {@code @CircuitBreaker}/{@code @Retry} and the Resilience4j endpoints: the starter's
 * {@code neon} instances live in that module's registries, show in its endpoints and health indicator, and an
 * annotated bean of the application's gets the starter's defaults. Runs in a surefire execution of its own (see
 * the pom): the other tests run without those two dependencies, as the app ships.
 */
@RequiresPgBouncer
// Skipped in the default execution, where -Dtest=... can select it without those dependencies.
@EnabledIf("resilience4jSpringBootPresent")
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=health,circuitbreakers,retries",
				"management.health.circuitbreakers.enabled=true" })
class NotesResilience4jSpringBootIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	ApplicationContext context;

	@Autowired
	@Qualifier("neonCircuitBreaker")
	CircuitBreaker breaker;

	@Autowired
	@Qualifier("neonRetry")
	Retry retry;

	@Autowired
	CircuitBreakerRegistry circuitBreakers;

	@Autowired
	RetryRegistry retries;

	@Autowired
	ReportService reports;

	RestClient http;

	@DynamicPropertySource
	static void neon(DynamicPropertyRegistry registry) {
		NeonTestTopology topology = NeonTestTopology.shared();
		NeonTopologyProperties.register(registry, topology, topology.createDatabase());
	}

	static boolean resilience4jSpringBootPresent() {
		return ClassUtils.isPresent(
				"io.github.resilience4j.springboot.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration", null);
	}

	@BeforeEach
	void client() {
		this.http = NeonTopologyProperties.http(this.port);
		this.breaker.transitionToClosedState();
	}

	@Test
	void neonInstancesAreInResilience4jSpringBootRegistries() {
		// The module's registries, not the starter's fallback ones (which bind their own meters).
		assertThat(this.context.getBeansOfType(CircuitBreakerRegistry.class)).hasSize(1);
		assertThat(this.context.containsBean("neonCircuitBreakerMetrics")).isFalse();
		assertThat(this.context.containsBean("neonRetryMetrics")).isFalse();
		assertThat(this.circuitBreakers.getClass().getName()).doesNotStartWith("dev.neonstarter");
		assertThat(this.circuitBreakers.find("neon")).containsSame(this.breaker);
		assertThat(this.retries.find("neon")).containsSame(this.retry);
	}

	@Test
	@SuppressWarnings("unchecked")
	void neonInstancesAreInTheActuatorEndpoints() {
		Map<String, Object> breakers = get("/actuator/circuitbreakers");
		assertThat((Map<String, Object>) breakers.get("circuitBreakers")).containsKey("neon");
		Map<String, Object> retryNames = get("/actuator/retries");
		assertThat((List<String>) retryNames.get("retries")).contains("neon");
	}

	@Test
	@SuppressWarnings("unchecked")
	void neonBreakerIsInTheCircuitBreakersHealthIndicator() {
		Map<String, Object> health = get("/actuator/health");
		Map<String, Object> components = (Map<String, Object>) health.get("components");
		assertThat(components).containsKey("circuitBreakers");
		Map<String, Object> details = (Map<String, Object>) ((Map<String, Object>) components.get("circuitBreakers"))
			.get("details");
		assertThat(details).containsKey("neon");
		assertThat((Map<String, Object>) details.get("neon")).containsEntry("status", "UP");
	}

	@Test
	void annotatedBeanUsesTheNeonBreakerWithTheStarterDefaults() throws Exception {
		assertThat(AopUtils.isAopProxy(this.reports)).isTrue();
		CircuitBreakerConfig config = this.breaker.getCircuitBreakerConfig();
		assertThat(config.getSlidingWindowType()).isEqualTo(CircuitBreakerConfig.SlidingWindowType.TIME_BASED);
		assertThat(config.getSlidingWindowSize()).isEqualTo(10);
		assertThat(config.getMinimumNumberOfCalls()).isEqualTo(5);

		// NeonUnavailablePredicate, the starter's record-failure-predicate: a constraint violation is not a
		// failure of the database, a lost connection is.
		int failed = this.breaker.getMetrics().getNumberOfFailedCalls();
		int successful = this.breaker.getMetrics().getNumberOfSuccessfulCalls();
		assertThatExceptionOfType(SQLException.class)
			.isThrownBy(() -> this.reports.run(new SQLException("duplicate key", "23505")));
		assertThat(this.breaker.getMetrics().getNumberOfFailedCalls()).isEqualTo(failed);
		assertThat(this.breaker.getMetrics().getNumberOfSuccessfulCalls()).isGreaterThan(successful);
		assertThatExceptionOfType(SQLException.class)
			.isThrownBy(() -> this.reports.run(new SQLException("connection lost", "08006")));
		assertThat(this.breaker.getMetrics().getNumberOfFailedCalls()).isEqualTo(failed + 1);

		// The same instance as the one guarding the pooled DataSource.
		this.breaker.transitionToForcedOpenState();
		assertThatExceptionOfType(CallNotPermittedException.class).isThrownBy(() -> this.reports.run(null));
		assertThat(this.http.get().uri("/api/notes").retrieve().toBodilessEntity().getStatusCode().value())
			.isEqualTo(503);
	}

	/**
	 * The starter leaves out Resilience4j's bulkhead, rate limiter and time limiter; with this module their
	 * annotations would be ignored without a word, so the starter says it.
	 */
	@Test
	void missingResilience4jModulesAreReported(CapturedOutput output) {
		assertThat(ClassUtils.isPresent("io.github.resilience4j.bulkhead.Bulkhead", null)).isFalse();
		assertThat(output).contains("resilience4j-spring-boot4 is on the classpath without"
				+ " io.github.resilience4j:resilience4j-bulkhead, io.github.resilience4j:resilience4j-ratelimiter,"
				+ " io.github.resilience4j:resilience4j-timelimiter");
	}

	private Map<String, Object> get(String path) {
		return this.http.get().uri(path).retrieve().body(new ParameterizedTypeReference<>() {
		});
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class ReportServiceConfiguration {

		@Bean
		ReportService reportService() {
			return new ReportService();
		}

	}

	/** An application's bean whose method is guarded by the {@code neon} breaker through the annotation. */
	static class ReportService {

		@io.github.resilience4j.circuitbreaker.annotation.CircuitBreaker(name = "neon")
		public String run(SQLException failure) throws SQLException {
			if (failure != null) {
				throw failure;
			}
			return "done";
		}

	}

}
