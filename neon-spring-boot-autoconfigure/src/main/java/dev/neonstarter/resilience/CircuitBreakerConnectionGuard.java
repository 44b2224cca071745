package dev.neonstarter.resilience;

import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.neonstarter.connection.NeonUnavailableException;
import dev.neonstarter.pool.ConnectionGuard;
import dev.neonstarter.query.QueryListener;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;

/**
 * Puts a Neon pool behind a circuit breaker ({@code neon} for the pooled DataSource, {@code neon-replica} for
 * the read replica): while it is open {@code getConnection()} throws {@link NeonUnavailableException} at once.
 * <p>
 * What the breaker records: failures to obtain a connection, connection-class failures of statements, and
 * successful statements. Not successful acquisitions: behind PgBouncer a connection is obtained even while
 * PostgreSQL is down (PgBouncer authenticates clients itself), so counting them would dilute the failure
 * rate of an outage by half. Nor callers interrupted while they wait for a connection, which give their
 * permission back.
 */
public final class CircuitBreakerConnectionGuard implements ConnectionGuard, QueryListener {

	private final CircuitBreaker breaker;

	private final String poolName;

	public CircuitBreakerConnectionGuard(CircuitBreaker breaker, String poolName) {
		this.breaker = breaker;
		this.poolName = poolName;
	}

	@Override
	public void beforeAcquire() throws SQLException {
		if (!this.breaker.tryAcquirePermission()) {
			long waitMillis = this.breaker.getCircuitBreakerConfig().getWaitIntervalFunctionInOpenState().apply(1);
			throw new NeonUnavailableException(this.breaker.getName(), this.poolName,
					Duration.ofMillis(Math.max(1000, waitMillis)));
		}
	}

	@Override
	public String state() {
		return this.breaker.getState().name();
	}

	@Override
	public void acquired(long nanos) {
		// Give back the permission (it limits trial calls when half-open); statements report the outcome.
		this.breaker.releasePermission();
	}

	@Override
	public void onQuery(String poolName, String sql, long nanos, boolean failed) {
		// Failed statements arrive through failed(...) when they are connection failures, and are not the
		// database's fault otherwise.
		if (!failed) {
			this.breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
		}
	}

	@Override
	public void failed(long nanos, SQLException failure) {
		this.breaker.onError(nanos, TimeUnit.NANOSECONDS, failure);
	}

	@Override
	public void released() {
		// Neither a success nor a failure: a half-open breaker's trial call goes to a caller that tries.
		this.breaker.releasePermission();
	}

}
