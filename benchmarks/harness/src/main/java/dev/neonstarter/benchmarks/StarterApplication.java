package dev.neonstarter.benchmarks;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import dev.neonstarter.metrics.autoconfigure.NeonMetricsAutoConfiguration;
import dev.neonstarter.pool.NeonDataSources;
import dev.neonstarter.pool.NeonHikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The starter as an application gets it: a Spring Boot context with every auto-configuration on the classpath
 * (the starter's own, Actuator metrics with the Prometheus registry, Resilience4j), without a web server.
 */
final class StarterApplication implements AutoCloseable {

	private final ConfigurableApplicationContext context;

	private StarterApplication(ConfigurableApplicationContext context) {
		this.context = context;
	}

	/**
	 * Starts the context on the database, with extra {@code name=value} properties. Flyway is off: the
	 * harness makes its tables itself.
	 */
	static StarterApplication start(BenchmarkDatabase database, String... properties) {
		List<String> args = new ArrayList<>();
		database.starterProperties().forEach((property) -> args.add("--" + property));
		args.add("--spring.flyway.enabled=false");
		args.add("--spring.main.banner-mode=off");
		args.add("--logging.level.root=WARN");
		for (String property : properties) {
			args.add("--" + property);
		}
		return new StarterApplication(new SpringApplicationBuilder(Application.class).web(WebApplicationType.NONE)
			.logStartupInfo(false)
			.run(args.toArray(String[]::new)));
	}

	NeonHikariDataSource pooledDataSource() {
		return this.context.getBean(NeonDataSources.POOLED_BEAN_NAME, NeonHikariDataSource.class);
	}

	/**
	 * Fails unless the pooled DataSource carries what the starter adds, so that a benchmark cannot quietly
	 * measure less: the breaker guard, the statement observation making {@code neon.queries}, HikariCP's meters.
	 */
	void checkInstrumented() throws SQLException {
		NeonHikariDataSource pooled = pooledDataSource();
		try (Connection connection = pooled.getConnection(); Statement statement = connection.createStatement()) {
			statement.execute("SELECT 1");
		}
		MeterRegistry registry = this.context.getBean(MeterRegistry.class);
		Timer queries = registry.find(NeonMetricsAutoConfiguration.QUERIES)
			.tags("pool", pooled.getPoolName(), "outcome", "success")
			.timer();
		if (pooled.getConnectionGuard() == null || !pooled.queries().isObserved() || queries == null || queries.count() == 0
				|| registry.find("hikaricp.connections").tag("pool", pooled.getPoolName()).gauge() == null) {
			throw new IllegalStateException("The starter's pooled DataSource is not instrumented as expected: guard="
					+ pooled.getConnectionGuard() + ", observed=" + pooled.queries().isObserved() + ", neon.queries="
					+ ((queries != null) ? queries.count() : null));
		}
	}

	@Override
	public void close() {
		this.context.close();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class Application {

	}

}
