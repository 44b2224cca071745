package dev.neonstarter.benchmarks.startup.handwired;

import java.sql.SQLTransientConnectionException;
import java.time.Duration;

import com.zaxxer.hikari.HikariDataSource;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.flyway.autoconfigure.FlywayDataSource;
import org.springframework.boot.jdbc.DataSourceBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

/**
 * The starter's features wired by hand, as a Spring Boot user on Neon would: the pooled endpoint for the
 * application ({@code app.datasource.pooled.*}), the direct endpoint for Flyway ({@code app.datasource.direct.*},
 * through {@link FlywayDataSource}), a circuit breaker and a retry with their meters. Actuator's health and the
 * Prometheus registry come from Spring Boot's auto-configuration. The benchmarks' startup comparison starts the
 * startup app with this module on its classpath: the baseline the starter's own cost is measured against.
 */
@Configuration(proxyBeanMethods = false)
public class HandwiredNeonConfiguration {

	@Bean
	@Primary
	@ConfigurationProperties("app.datasource.pooled")
	HikariDataSource pooledDataSource() {
		return DataSourceBuilder.create().type(HikariDataSource.class).build();
	}

	@Bean(defaultCandidate = false)
	@FlywayDataSource
	@ConfigurationProperties("app.datasource.direct")
	HikariDataSource directDataSource() {
		return DataSourceBuilder.create().type(HikariDataSource.class).build();
	}

	@Bean
	CircuitBreakerRegistry circuitBreakerRegistry() {
		return CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
			.slidingWindowType(CircuitBreakerConfig.SlidingWindowType.TIME_BASED)
			.slidingWindowSize(10)
			.minimumNumberOfCalls(5)
			.failureRateThreshold(50)
			.waitDurationInOpenState(Duration.ofSeconds(5))
			.recordException((failure) -> failure instanceof SQLTransientConnectionException)
			.build());
	}

	@Bean
	CircuitBreaker databaseCircuitBreaker(CircuitBreakerRegistry registry) {
		return registry.circuitBreaker("database");
	}

	@Bean
	RetryRegistry retryRegistry() {
		return RetryRegistry.of(RetryConfig.custom()
			.maxAttempts(4)
			.waitDuration(Duration.ofMillis(500))
			.retryExceptions(SQLTransientConnectionException.class)
			.build());
	}

	@Bean
	Retry databaseRetry(RetryRegistry registry) {
		return registry.retry("database");
	}

	@Bean
	TaggedCircuitBreakerMetrics circuitBreakerMetrics(CircuitBreakerRegistry registry) {
		return TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(registry);
	}

	@Bean
	TaggedRetryMetrics retryMetrics(RetryRegistry registry) {
		return TaggedRetryMetrics.ofRetryRegistry(registry);
	}

}
