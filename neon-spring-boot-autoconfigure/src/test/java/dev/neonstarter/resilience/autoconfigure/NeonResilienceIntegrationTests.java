package dev.neonstarter.resilience.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import dev.neonstarter.connection.NeonUnavailableException;
import dev.neonstarter.health.NeonPoolHealthIndicator;
import dev.neonstarter.health.autoconfigure.NeonHealthProperties;
import dev.neonstarter.jdbc.autoconfigure.NeonDataSourceAutoConfiguration;
import dev.neonstarter.pool.NeonHikariDataSource;
import dev.neonstarter.resilience.NeonOperations;
import dev.neonstarter.testsupport.PostgresServer;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.BadSqlGrammarException;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The breaker guard and the retry against a real PostgreSQL that is stopped, restarted and has its backends
 * terminated.
 */
class NeonResilienceIntegrationTests {

	private Path directory;

	private PostgresServer server;

	@BeforeEach
	void start() throws Exception {
		this.directory = Files.createTempDirectory("neon-resilience");
		this.server = PostgresServer.plain(this.directory);
	}

	@AfterEach
	void stop() {
		this.server.close();
	}

	private ApplicationContextRunner runner() {
		String url = "postgresql://postgres@localhost:" + this.server.port() + "/postgres?sslmode=disable";
		return new ApplicationContextRunner()
			.withInitializer((context) -> new NeonResilienceDefaultsEnvironmentPostProcessor()
				.postProcessEnvironment(context.getEnvironment(), null))
			.withConfiguration(AutoConfigurations.of(NeonDataSourceAutoConfiguration.class,
					DataSourceAutoConfiguration.class, JdbcTemplateAutoConfiguration.class,
					DataSourceTransactionManagerAutoConfiguration.class, NeonResilienceAutoConfiguration.class))
			.withPropertyValues("neon.url=" + url, "neon.pooled.hikari.connection-timeout=5000",
					"resilience4j.circuitbreaker.instances.neon.wait-duration-in-open-state=1s",
					"resilience4j.retry.instances.neon.wait-duration=100ms");
	}

	@Test
	void anOpenBreakerFailsFastWithoutTouchingThePool() {
		runner().run((context) -> {
			DataSource pooled = context.getBean(DataSource.class);
			CircuitBreaker breaker = context.getBean("neonCircuitBreaker", CircuitBreaker.class);
			breaker.transitionToForcedOpenState();
			for (int i = 0; i < 100; i++) {
				assertThatExceptionOfType(NeonUnavailableException.class).isThrownBy(pooled::getConnection)
					.withMessageContaining("circuit breaker is open");
			}
			assertThat(breaker.getMetrics().getNumberOfNotPermittedCalls()).isEqualTo(100);
			// Not one of them reached HikariCP: the pool never started.
			assertThat(((HikariDataSource) pooled).getHikariPoolMXBean()).isNull();
		});
	}

	@Test
	void anOutageForcesTheBreakerOpenAtTheFirstRefusedConnectionAndRecoveryClosesIt() {
		runner().run((context) -> {
			DataSource pooled = context.getBean(DataSource.class);
			CircuitBreaker breaker = context.getBean("neonCircuitBreaker", CircuitBreaker.class);
			try (Connection connection = pooled.getConnection()) {
				assertThat(connection.isValid(1)).isTrue();
			}
			this.server.stop();
			int attempts = 0;
			while (breaker.getState() == CircuitBreaker.State.CLOSED && attempts++ < 20) {
				assertThatExceptionOfType(SQLException.class).isThrownBy(() -> useConnection(pooled));
			}
			// The endpoint monitor saw the refused connection: no failure-rate window to fill.
			assertThat(attempts).isLessThanOrEqualTo(2);
			assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.FORCED_OPEN);
			assertThatExceptionOfType(NeonUnavailableException.class).isThrownBy(pooled::getConnection);

			this.server.start();
			await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().untilAsserted(() -> {
				useConnection(pooled);
				assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
			});
		});
	}

	@Test
	void anOpenBreakerMakesThePoolUnreadyEvenWhenTheDatabaseAnswers() {
		runner().run((context) -> {
			NeonHikariDataSource pooled = context.getBean(NeonHikariDataSource.class);
			CircuitBreaker breaker = context.getBean("neonCircuitBreaker", CircuitBreaker.class);
			NeonPoolHealthIndicator health = new NeonPoolHealthIndicator(pooled, new NeonHealthProperties().toSettings());
			useConnection(pooled);
			assertThat(health.health().getStatus()).isEqualTo(Status.UP);
			// A half-open breaker can reopen right after a probe's own trial call succeeded: requests would be
			// refused, so readiness must say so.
			breaker.transitionToOpenState();
			Health open = health.health();
			assertThat(open.getStatus()).isEqualTo(Status.DOWN);
			assertThat(open.getDetails()).containsEntry("circuitBreaker", "OPEN");
			breaker.transitionToHalfOpenState();
			assertThat(health.health().getStatus()).isEqualTo(Status.UP);
		});
	}

	@Test
	void terminatedBackendsAreRetriedWithoutSurfacingAnError() {
		runner().run((context) -> {
			NeonOperations neon = context.getBean(NeonOperations.class);
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			AtomicInteger attempts = new AtomicInteger();
			Integer result = neon.execute(() -> {
				if (attempts.incrementAndGet() == 1) {
					// What a suspending compute does to open connections: 57P01.
					Integer pid = jdbc.queryForObject("SELECT pg_backend_pid()", Integer.class);
					this.server.execute("postgres", "SELECT pg_terminate_backend(" + pid + ")");
				}
				return jdbc.queryForObject("SELECT 42", Integer.class);
			});
			assertThat(result).isEqualTo(42);
			assertThat(attempts).hasValue(2);
			Retry retry = context.getBean("neonRetry", Retry.class);
			assertThat(retry.getMetrics().getNumberOfSuccessfulCallsWithRetryAttempt()).isEqualTo(1);
		});
	}

	@Test
	void permanentErrorsAreNotRetried() {
		runner().run((context) -> {
			NeonOperations neon = context.getBean(NeonOperations.class);
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			AtomicInteger attempts = new AtomicInteger();
			assertThatExceptionOfType(BadSqlGrammarException.class).isThrownBy(() -> neon.execute(() -> {
				attempts.incrementAndGet();
				return jdbc.queryForObject("SELECT no_such_column", Integer.class);
			}));
			assertThat(attempts).hasValue(1);
			assertThat(context.getBean("neonCircuitBreaker", CircuitBreaker.class).getMetrics().getNumberOfFailedCalls())
				.isZero();
		});
	}

	@Test
	void transactionsAreRetriedAsAWhole() {
		runner().run((context) -> {
			NeonOperations neon = context.getBean(NeonOperations.class);
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			jdbc.execute("CREATE TABLE IF NOT EXISTS retried (id int)");
			AtomicInteger attempts = new AtomicInteger();
			neon.inTransaction((status) -> {
				jdbc.update("INSERT INTO retried VALUES (1)");
				if (attempts.incrementAndGet() == 1) {
					throw new org.springframework.dao.CannotAcquireLockException("deadlock",
							new SQLException("deadlock detected", "40P01"));
				}
				return null;
			});
			assertThat(attempts).hasValue(2);
			// The first attempt's insert was rolled back with its transaction.
			assertThat(jdbc.queryForObject("SELECT count(*) FROM retried", Integer.class)).isEqualTo(1);
		});
	}

	@Test
	void anInterruptedWaitForAConnectionIsNeitherASuccessNorAFailure() {
		runner().withPropertyValues("neon.pooled.hikari.maximum-pool-size=1").run((context) -> {
			NeonHikariDataSource pooled = context.getBean(NeonHikariDataSource.class);
			CircuitBreaker breaker = context.getBean("neonCircuitBreaker", CircuitBreaker.class);
			try (Connection held = pooled.getConnection()) {
				interruptWaiters(pooled, 5);
				assertThat(breaker.getMetrics().getNumberOfSuccessfulCalls()).isZero();
				assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isZero();
				// Interrupted trial calls of a half-open breaker (3 permitted) close it no more: nothing reached
				// the database.
				breaker.transitionToOpenState();
				breaker.transitionToHalfOpenState();
				interruptWaiters(pooled, 3);
				assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
				assertThat(breaker.getMetrics().getNumberOfSuccessfulCalls()).isZero();
			}
			// Their permissions were given back: a caller that reaches the database makes a trial call.
			useConnection(pooled);
			assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
			assertThat(breaker.getMetrics().getNumberOfSuccessfulCalls()).isOne();
		});
	}

	@Test
	void aPoolWhoseConnectionsAreAllBusyDoesNotOpenTheBreaker() {
		runner().withPropertyValues("neon.pooled.hikari.maximum-pool-size=1", "neon.pooled.hikari.connection-timeout=250")
			.run((context) -> {
				NeonHikariDataSource pooled = context.getBean(NeonHikariDataSource.class);
				CircuitBreaker breaker = context.getBean("neonCircuitBreaker", CircuitBreaker.class);
				try (Connection held = pooled.getConnection()) {
					for (int i = 0; i < 6; i++) {
						assertThatExceptionOfType(SQLTransientConnectionException.class)
							.isThrownBy(() -> pooled.getConnection().close())
							.withMessageContaining("request timed out");
					}
				}
				// Slow statements or a leak, not Neon: requests keep going to the database, the timeouts count
				// neither way, and the pool's health does not fail (readiness would drop every instance under load).
				assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isZero();
				assertThat(breaker.getMetrics().getNumberOfSuccessfulCalls()).isZero();
				assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
				assertThat(pooled.activity().failing()).isFalse();
				useConnection(pooled);
			});
	}

	/** Starts callers that wait for the pool's only connection, held by the test, and interrupts them. */
	private static void interruptWaiters(NeonHikariDataSource pooled, int count) throws InterruptedException {
		List<Thread> waiters = new ArrayList<>();
		List<SQLException> failures = new CopyOnWriteArrayList<>();
		for (int i = 0; i < count; i++) {
			Thread waiter = new Thread(() -> {
				try {
					pooled.getConnection().close();
				}
				catch (SQLException ex) {
					failures.add(ex);
				}
			});
			waiter.start();
			waiters.add(waiter);
		}
		await().atMost(Duration.ofSeconds(4))
			.until(() -> pooled.getHikariPoolMXBean().getThreadsAwaitingConnection() == count);
		waiters.forEach(Thread::interrupt);
		for (Thread waiter : waiters) {
			waiter.join(10_000);
		}
		assertThat(failures).hasSize(count)
			.extracting(SQLException::getMessage)
			.allSatisfy((message) -> assertThat(message).contains("Interrupted during connection acquisition"));
	}

	private static void useConnection(DataSource dataSource) throws SQLException {
		try (Connection connection = dataSource.getConnection(); var statement = connection.createStatement()) {
			statement.execute("SELECT 1");
		}
	}

}
