package dev.neonstarter.health;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

import com.zaxxer.hikari.HikariPoolMXBean;
import dev.neonstarter.connection.NeonConnectionFailures;
import dev.neonstarter.pool.ConnectionGuard;
import dev.neonstarter.pool.NeonEndpointMonitor;
import dev.neonstarter.pool.NeonHikariDataSource;
import dev.neonstarter.pool.NeonPoolActivity;
import dev.neonstarter.ssl.NeonTlsVerifier;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Health of one Neon pool. In {@code passive} probe mode it answers from the pool's recent use and only
 * queries while the last outcome was a failure (at most once per recheck interval), so Kubernetes probes do
 * not keep the compute awake; in {@code active} mode it queries at most once per cache TTL. A check never
 * takes longer than {@code neon.health.timeout}.
 */
public class NeonPoolHealthIndicator implements HealthIndicator {

	/** The check query; its text is unique so it can be counted in pg_stat_statements. */
	static final String CHECK_QUERY = "SELECT current_setting('server_version') AS neon_health_check";

	private final NeonHikariDataSource dataSource;

	private final Settings properties;

	private final ExecutorService executor;

	private volatile @Nullable CheckResult lastCheck;

	private @Nullable Future<CheckResult> inFlight;

	private final ReentrantLock checking = new ReentrantLock();

	public NeonPoolHealthIndicator(NeonHikariDataSource dataSource, Settings properties) {
		this.dataSource = dataSource;
		this.properties = properties;
		// One daemon thread at most, gone when idle: nothing to shut down.
		ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
				(runnable) -> {
					Thread thread = new Thread(runnable, "neon-health-" + dataSource.getPoolName());
					thread.setDaemon(true);
					return thread;
				});
		pool.allowCoreThreadTimeOut(true);
		this.executor = pool;
	}

	@Override
	public Health health() {
		NeonPoolActivity activity = this.dataSource.activity();
		boolean checked = false;
		if (shouldCheck(activity)) {
			this.lastCheck = check();
			checked = true;
		}
		boolean failing = activity.failing();
		// The endpoint first, once: the monitor forces the breaker open before it reports the endpoint down,
		// so an endpoint read as down comes with the breaker open.
		NeonEndpointMonitor monitor = this.dataSource.monitor();
		NeonEndpointMonitor.State endpoint = monitor.state();
		Instant endpointSince = monitor.lastTransition();
		boolean endpointDown = endpoint == NeonEndpointMonitor.State.DOWN;
		ConnectionGuard guard = this.dataSource.getConnectionGuard();
		String breakerState = (guard != null) ? guard.state() : null;
		// While the breaker is open every request fails fast, so the pool is not ready whatever the last
		// query said; a probe may be the trial call that succeeded just before another trial reopened it.
		boolean breakerOpen = "OPEN".equals(breakerState) || "FORCED_OPEN".equals(breakerState);
		Health.Builder builder = (failing || breakerOpen || endpointDown) ? Health.down() : Health.up();
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("probeMode", this.properties.probeMode().name().toLowerCase(java.util.Locale.ROOT));
		details.put("checkedNow", checked);
		details.put("reachable", (activity.lastSuccess() == null && activity.lastFailure() == null) ? "unknown"
				: !failing);
		if (activity.lastSuccess() != null) {
			details.put("lastSuccess", activity.lastSuccess().toString());
		}
		if (failing) {
			details.put("lastFailure", activity.lastFailure().toString());
			details.put("error", activity.lastFailureMessage());
		}
		CheckResult last = this.lastCheck;
		if (last != null && last.latency() != null) {
			details.put("latencyMs", last.latency().toMillis());
		}
		if (activity.serverVersion() != null) {
			details.put("serverVersion", activity.serverVersion());
		}
		NeonTlsVerifier.TlsStatus tls = this.dataSource.tlsStatus();
		if (tls != null) {
			Map<String, Object> tlsDetails = new LinkedHashMap<>();
			tlsDetails.put("mode", tls.mode().value());
			tlsDetails.put("verified", tls.verified());
			if (tls.serverReportsSsl() != null) {
				tlsDetails.put("serverReportsSsl", tls.serverReportsSsl());
			}
			details.put("tls", tlsDetails);
		}
		details.put("pool", poolDetails(details));
		if (breakerState != null) {
			details.put("circuitBreaker", breakerState);
		}
		if (monitor.isEnabled()) {
			details.put("endpoint", endpoint.name());
			if (endpointSince != null) {
				details.put("endpointSince", endpointSince.toString());
			}
		}
		return builder.withDetails(details).build();
	}

	private boolean shouldCheck(NeonPoolActivity activity) {
		CheckResult last = this.lastCheck;
		return switch (this.properties.probeMode()) {
			case ACTIVE -> last == null || olderThan(last, this.properties.cacheTtl());
			case PASSIVE -> activity.failing() && (last == null || olderThan(last, this.properties.recheckInterval()));
		};
	}

	private static boolean olderThan(CheckResult result, Duration age) {
		return !result.at().plus(age).isAfter(Instant.now());
	}

	private CheckResult check() {
		// A probe that arrives while another checks answers from what is known, rather than wait for that check
		// (holding a monitor across it would also pin a virtual thread's carrier, JDK 21 to 23) or query again.
		if (!this.checking.tryLock()) {
			CheckResult last = this.lastCheck;
			return (last != null) ? last : new CheckResult(Instant.now(), null);
		}
		try {
			return checkNow();
		}
		finally {
			this.checking.unlock();
		}
	}

	private CheckResult checkNow() {
		if (this.inFlight != null && !this.inFlight.isDone()) {
			// A previous check is stuck (e.g. waiting for a connection): do not pile up threads behind it.
			this.dataSource.activity().failure("the previous health check has not finished", null);
			return new CheckResult(Instant.now(), null);
		}
		Duration timeout = this.properties.timeout();
		this.inFlight = this.executor.submit(() -> runQuery(timeout));
		try {
			return this.inFlight.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			this.inFlight.cancel(true);
			this.dataSource.activity().failure("timed out after " + timeout.toMillis() + " ms: the health check did not finish", null);
		}
		catch (ExecutionException | CancellationException ex) {
			// runQuery records its own failures through the data source
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return new CheckResult(Instant.now(), null);
	}

	private CheckResult runQuery(Duration timeout) throws SQLException {
		long start = System.nanoTime();
		// Waits for a connection for part of the timeout only, so that a pool that cannot connect answers with
		// HikariCP's timeout and the connection failure it carries (refused, TLS, login), not with an interrupt.
		// A failure to get the connection is the pool's to record (it records each once, and none for a caller
		// that fails fast while the endpoint is down): recording it here too would count it twice.
		try (Connection connection = this.dataSource.getConnection(timeout.multipliedBy(3).dividedBy(4))) {
			try (Statement statement = connection.createStatement()) {
				statement.setQueryTimeout((int) Math.max(1, timeout.toSeconds()));
				try (ResultSet rs = statement.executeQuery(CHECK_QUERY)) {
					rs.next();
				}
			}
			catch (SQLException ex) {
				recordQueryFailure(ex);
				throw ex;
			}
		}
		return new CheckResult(Instant.now(), Duration.ofNanos(System.nanoTime() - start));
	}

	/**
	 * Records the check query's failure, unless the pool has recorded it already (a connection-level failure,
	 * seen by the pool as HikariCP evicts the connection) or the check was cancelled for taking too long
	 * ({@link #check()} records that, and the interrupt is not the endpoint's).
	 */
	private void recordQueryFailure(SQLException ex) {
		if (!NeonConnectionFailures.isConnectionFailure(ex.getSQLState()) && !Thread.currentThread().isInterrupted()) {
			this.dataSource.activity().failure(NeonConnectionFailures.describe(ex), ex);
		}
	}

	private Map<String, Object> poolDetails(Map<String, Object> details) {
		Map<String, Object> pool = new LinkedHashMap<>();
		// The pool's name is the pool tag of HikariCP's meters and the prefix of its log lines.
		String name = this.dataSource.getPoolName();
		if (name != null) {
			pool.put("name", name);
		}
		int max = this.dataSource.getMaximumPoolSize();
		HikariPoolMXBean bean = this.dataSource.getHikariPoolMXBean();
		int active = (bean != null) ? bean.getActiveConnections() : 0;
		pool.put("active", active);
		pool.put("idle", (bean != null) ? bean.getIdleConnections() : 0);
		pool.put("pending", (bean != null) ? bean.getThreadsAwaitingConnection() : 0);
		pool.put("max", max);
		double utilization = (max > 0) ? (double) active / max : 0;
		pool.put("utilization", Math.round(utilization * 100) / 100.0);
		if (utilization > this.properties.utilizationWarningThreshold()) {
			details.put("warning", "pool utilization " + Math.round(utilization * 100) + "% is above "
					+ Math.round(this.properties.utilizationWarningThreshold() * 100)
					+ "%: requests may wait for connections; consider neon.pooled.hikari.maximum-pool-size");
		}
		return pool;
	}

	private record CheckResult(Instant at, Duration latency) {
	}

/**
	 * How the indicator decides ({@code neon.health.*}).
	 * @param probeMode passive (from the pools' recent use) or active (a check query per cache-ttl)
	 * @param cacheTtl with active probes, how long a check result is reused
	 * @param recheckInterval with passive probes, how often a failing pool is checked again
	 * @param timeout longest a check may take before the pool is reported DOWN
	 * @param utilizationWarningThreshold utilization above which the details carry a warning
	 */
	public record Settings(ProbeMode probeMode, Duration cacheTtl, Duration recheckInterval, Duration timeout,
			double utilizationWarningThreshold) {
	}

	/**
	 * How the 'neon' health contributor decides.
	 */
	public enum ProbeMode {

		/**
		 * From the pools' recent use; a check query only while failing. Lets the compute scale to zero.
		 */
		PASSIVE,

		/**
		 * A check query at most once per cache-ttl.
		 */
		ACTIVE

	}

}
