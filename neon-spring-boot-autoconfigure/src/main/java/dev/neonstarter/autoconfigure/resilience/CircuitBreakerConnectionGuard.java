package dev.neonstarter.autoconfigure.resilience;

import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.neonstarter.autoconfigure.jdbc.ConnectionGuard;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;

/**
 * Puts the pooled DataSource behind the {@code neon} circuit breaker: acquisitions and connection failures
 * are recorded (the breaker's predicate decides what counts), and while it is open
 * {@code getConnection()} throws {@link NeonUnavailableException} at once.
 */
class CircuitBreakerConnectionGuard implements ConnectionGuard {

	private final CircuitBreaker breaker;

	private final String poolName;

	CircuitBreakerConnectionGuard(CircuitBreaker breaker, String poolName) {
		this.breaker = breaker;
		this.poolName = poolName;
	}

	@Override
	public void beforeAcquire() throws SQLException {
		if (!this.breaker.tryAcquirePermission()) {
			long waitMillis = this.breaker.getCircuitBreakerConfig().getWaitIntervalFunctionInOpenState().apply(1);
			throw new NeonUnavailableException(this.poolName, Duration.ofMillis(Math.max(1000, waitMillis)));
		}
	}

	@Override
	public String state() {
		return this.breaker.getState().name();
	}

	@Override
	public void acquired(long nanos) {
		this.breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
	}

	@Override
	public void failed(long nanos, SQLException failure) {
		this.breaker.onError(nanos, TimeUnit.NANOSECONDS, failure);
	}

}
