package dev.neonstarter.metrics.autoconfigure;

import java.sql.SQLException;
import java.util.concurrent.TimeUnit;

import dev.neonstarter.connection.NeonUnavailableException;
import dev.neonstarter.jdbc.autoconfigure.NeonDataSourceAutoConfiguration;
import dev.neonstarter.jdbc.autoconfigure.NeonProperties;
import dev.neonstarter.pool.NeonDataSources;
import dev.neonstarter.pool.NeonEndpointMonitor;
import dev.neonstarter.pool.NeonHikariDataSource;
import dev.neonstarter.replica.NeonReplicaFallbacks;
import dev.neonstarter.ssl.NeonTlsVerifier;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Meters HikariCP does not have: whether each pool's TLS was verified, whether its endpoint is up, connection
 * failures by SQLState class, statement durations and read replica fallbacks. HikariCP's own meters
 * ({@code hikaricp.*}, tagged {@code pool=neon-pooled|neon-direct|neon-replica}) come from Spring Boot's
 * DataSource pool metrics.
 * Statement durations ({@value #QUERIES}) come from the statements' observation when there is an
 * {@link ObservationRegistry} (always with Spring Boot's metrics, see
 * {@code NeonObservationAutoConfiguration}), and from a timer registered here otherwise.
 */
@AutoConfiguration(after = NeonDataSourceAutoConfiguration.class,
		afterName = "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration")
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(NeonDataSources.class)
public final class NeonMetricsAutoConfiguration {

	/**
	 * Gauge: 1 when the pool's TLS certificate (and host name at verify-full) was verified at startup; not
	 * registered with {@code neon.ssl.verify-on-startup=false}.
	 */
	public static final String TLS_VERIFIED = "neon.tls.verified";

	/**
	 * Gauge: 1 while the pool's endpoint is up, 0 while its endpoint monitor has it down (the pool fails fast
	 * and probes it), tagged {@code pool} and {@code role}: {@code pooled}, {@code direct} or
	 * {@code read-replica}, what the pool is for whatever its name, so that alerts can tell the replica apart.
	 */
	public static final String ENDPOINT_UP = "neon.endpoint.up";

	/** Counter: failures to obtain a connection, tagged {@code pool} and {@code sqlstate.class}. */
	public static final String CONNECTION_FAILURES = "neon.connection.failures";

	/**
	 * Timer: statement executions, tagged {@code pool} and {@code outcome} (success, error); made from the
	 * observation of the same name when there is an {@link ObservationRegistry}, which adds the tag
	 * {@code error} (the exception's class name, or {@code none}) and the long task timer
	 * {@code neon.queries.active}.
	 */
	public static final String QUERIES = "neon.queries";

	/**
	 * Counter: read-only connections taken from the primary because the read replica could not serve, tagged
	 * {@code reason} ({@code endpoint-down}: its endpoint monitor has it down; {@code circuit-open}: its
	 * breaker is open; {@code connection-failure}: no connection).
	 */
	public static final String REPLICA_FALLBACKS = "neon.replica.fallbacks";

	@Bean
	MeterBinder neonMeterBinder(NeonDataSources pools, ObjectProvider<NeonReplicaFallbacks> replicaFallbacks,
			NeonProperties properties) {
		// Without the startup check nothing says whether TLS was verified: a 0 would read as "not verified".
		boolean tlsChecked = properties.getSsl().isVerifyOnStartup();
		return (registry) -> {
			replicaFallbacks.ifAvailable((fallbacks) -> fallbacks
				.onFallback((cause) -> replicaFallbacks(registry, cause).increment()));
			for (NeonHikariDataSource pool : pools.all()) {
				String name = pool.getPoolName();
				if (tlsChecked) {
					Gauge.builder(TLS_VERIFIED, pool, NeonMetricsAutoConfiguration::verified)
						.tag("pool", name)
						.description("1 if the pool's TLS certificate was verified at startup, else 0")
						.register(registry);
				}
				Gauge.builder(ENDPOINT_UP, pool.monitor(),
						(monitor) -> (monitor.state() == NeonEndpointMonitor.State.UP) ? 1 : 0)
					.tag("pool", name)
					.tag("role", pools.role(pool))
					.description("1 while the pool's endpoint is up, 0 while it is down (failing fast, probing)")
					.register(registry);
				pool.activity().onFailure((poolName, cause) -> failures(registry, poolName, cause).increment());
			}
		};
	}

	/**
	 * Descriptions for the {@value #QUERIES} meters made from the observation, which Micrometer's observation
	 * handler registers without one (Prometheus would show them without {@code # HELP}).
	 */
	@Bean
	static MeterFilter neonQueryMeterDescriptions() {
		return new QueryMeterDescriptions();
	}

	/** {@value #QUERIES} without an observation registry to make it. */
	@Bean
	@ConditionalOnMissingBean(ObservationRegistry.class)
	MeterBinder neonQueryMeterBinder(NeonDataSources pools) {
		return (registry) -> {
			for (NeonHikariDataSource pool : pools.all()) {
				Timer success = queryTimer(registry, pool.getPoolName(), "success");
				Timer error = queryTimer(registry, pool.getPoolName(), "error");
				pool.queries().addListener((poolName, sql, nanos, failed) -> (failed ? error : success)
					.record(nanos, TimeUnit.NANOSECONDS));
			}
		};
	}

	private static Counter replicaFallbacks(MeterRegistry registry, SQLException cause) {
		return Counter.builder(REPLICA_FALLBACKS)
			.tag("reason", (cause instanceof NeonUnavailableException unavailable)
					? (unavailable.isEndpointDown() ? "endpoint-down" : "circuit-open") : "connection-failure")
			.description("Read-only connections taken from the primary because the read replica could not serve")
			.register(registry);
	}

	private static Timer queryTimer(MeterRegistry registry, String poolName, String outcome) {
		return Timer.builder(QUERIES)
			.tag("pool", poolName)
			.tag("outcome", outcome)
			.description(QueryMeterDescriptions.QUERIES_DESCRIPTION)
			.register(registry);
	}

	private static double verified(NeonHikariDataSource pool) {
		NeonTlsVerifier.TlsStatus status = pool.tlsStatus();
		return (status != null && status.verified()) ? 1 : 0;
	}

	private static Counter failures(MeterRegistry registry, String poolName, SQLException cause) {
		String state = (cause != null) ? cause.getSQLState() : null;
		String sqlStateClass = (state != null && state.length() >= 2) ? state.substring(0, 2) : "none";
		return Counter.builder(CONNECTION_FAILURES)
			.tag("pool", poolName)
			.tag("sqlstate.class", sqlStateClass)
			.description("Failures to obtain a connection, by SQLState class (08: connection, 57: operator"
					+ " intervention, 53: insufficient resources, 28: authentication, none: timeout)")
			.register(registry);
	}

	/** Adds a description to the {@value #QUERIES} meters that have none. */
	static final class QueryMeterDescriptions implements MeterFilter {

		static final String QUERIES_DESCRIPTION = "Statement executions through the pool (execute*, from call to return)";

		static final String ACTIVE_DESCRIPTION = "Statements running now through the pool";

		@Override
		public Meter.Id map(Meter.Id id) {
			if (id.getDescription() != null) {
				return id;
			}
			String description = switch (id.getName()) {
				case QUERIES -> QUERIES_DESCRIPTION;
				case QUERIES + ".active" -> ACTIVE_DESCRIPTION;
				default -> null;
			};
			return (description != null)
					? new Meter.Id(id.getName(), Tags.of(id.getTags()), id.getBaseUnit(), description, id.getType())
					: id;
		}

	}

}
