package dev.neonstarter.jdbc.autoconfigure;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.logging.Logger;

import javax.sql.DataSource;

import dev.neonstarter.pool.NeonDataSources;
import dev.neonstarter.pool.NeonHikariDataSource;
import dev.neonstarter.query.autoconfigure.NeonObservationAutoConfiguration;
import dev.neonstarter.resilience.autoconfigure.NeonResilienceAutoConfiguration;
import dev.neonstarter.testsupport.NeonTestTopology;
import dev.neonstarter.testsupport.RequiresPgBouncer;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.tracing.Tracer;
import net.ttddyy.observation.boot.autoconfigure.DataSourceObservationAutoConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.aop.framework.ProxyFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * JDBC instrumentation an application already has wraps every DataSource bean once it is initialized, the Neon
 * pools included (OpenTelemetry's Spring Boot starter, datasource-micrometer, p6spy and datasource-proxy
 * decorators; the OpenTelemetry starter itself in {@code existing-app-tests}). The starter then still starts, checks
 * each pool through the wrapper (a failing check fails startup), reaches its pools for resilience, observation and
 * migrations, and the application's statements pass through both the wrapper and the pool.
 */
@RequiresPgBouncer
class NeonWrappedDataSourcesIntegrationTests {

	private final NeonTestTopology topology = NeonTestTopology.shared();

	private String database;

	@BeforeEach
	void createDatabase() {
		this.database = this.topology.createDatabase();
	}

	private ApplicationContextRunner runner(Wrapping wrapping) {
		Wrapper.wrapping = wrapping;
		Wrapper.statements.set(0);
		return NeonTopologyContexts.runner(this.topology, this.database)
			.withConfiguration(AutoConfigurations.of(NeonObservationAutoConfiguration.class,
					NeonResilienceAutoConfiguration.class))
			.withBean(TestObservationRegistry.class, TestObservationRegistry::create)
			.withUserConfiguration(WrappingConfiguration.class)
			.withPropertyValues("spring.flyway.enabled=true", "spring.flyway.locations=classpath:db/neon-wrapped");
	}

	@ParameterizedTest
	@EnumSource(value = Wrapping.class, names = "OPAQUE", mode = EnumSource.Mode.EXCLUDE)
	void theStarterWorksThroughTheWrappers(Wrapping wrapping) {
		runner(wrapping).run((context) -> {
			DataSource primary = assertStartedThroughTheWrapper(context);
			NeonDataSources pools = context.getBean(NeonDataSources.class);
			assertThat(pools.pooled().queries().isObserved()).isTrue();
			// Flyway migrated through the direct pool's wrapper.
			int migrationStatements = Wrapper.statements.get();
			assertThat(migrationStatements).isPositive();
			JdbcTemplate jdbc = new JdbcTemplate(primary);
			jdbc.update("INSERT INTO wrapped_notes (body) VALUES (?)", "through both");
			assertThat(jdbc.queryForObject("SELECT count(*) FROM wrapped_notes", Integer.class)).isOne();
			// Each statement went through the wrapper and was observed by the starter.
			assertThat(Wrapper.statements.get()).isGreaterThanOrEqualTo(migrationStatements + 2);
			assertThat(context.getBean(TestObservationRegistry.class)).hasObservationWithNameEqualTo("neon.queries");
		});
	}

	@ParameterizedTest
	@EnumSource(value = Wrapping.class, names = "OPAQUE", mode = EnumSource.Mode.EXCLUDE)
	void withAReadReplicaTheWrappedRoutingDataSourceSeesEachStatementOnce(Wrapping wrapping) {
		// The replica URL names the primary's PostgreSQL: only the routing through wrappers matters here.
		runner(wrapping).withPropertyValues("neon.read-replica.url=" + this.topology.directUrl(this.database, ""))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				DataSource primary = context.getBean(DataSource.class);
				assertThat(primary).isSameAs(context.getBean(NeonDataSources.ROUTING_BEAN_NAME));
				assertThat(context.getBean(NeonDataSources.class).replica()).isNotNull();
				TransactionTemplate readOnly = new TransactionTemplate(new JdbcTransactionManager(primary));
				readOnly.setReadOnly(true);
				int before = Wrapper.statements.get();
				readOnly.executeWithoutResult(
						(status) -> new JdbcTemplate(primary).queryForObject("SELECT count(*) FROM wrapped_notes",
								Integer.class));
				new JdbcTemplate(primary).update("INSERT INTO wrapped_notes (body) VALUES (?)", "routed");
				assertThat(Wrapper.statements.get() - before).isEqualTo(2);
			});
	}

	@ParameterizedTest
	@EnumSource(value = Wrapping.class, names = "OPAQUE", mode = EnumSource.Mode.EXCLUDE)
	void aFailingCheckStillFailsStartupThroughTheWrapper(Wrapping wrapping) {
		// The pooler rejects this startup parameter: only the starter's check of the bound pool says so at startup.
		runner(wrapping).withPropertyValues("neon.pooled.hikari.data-source-properties.options=-c search_path=app")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("parameter 'options' would be sent as a startup parameter"));
	}

	@ParameterizedTest
	@EnumSource(value = Wrapping.class, names = "OPAQUE")
	void aWrapperThatDoesNotLeadBackToThePoolIsNamed(Wrapping wrapping) {
		runner(wrapping).run((context) -> assertThat(context).getFailure()
			.rootCause()
			.hasMessageContaining("The Neon DataSource bean 'neonPooledDataSource' has been replaced or wrapped by a "
					+ Opaque.class.getName())
			.hasMessageContaining("neon.enabled=false"));
	}

	@Test
	void datasourceMicrometersProxiesLeadBackToThePools() {
		// Its post-processor wraps every DataSource bean in datasource-proxy's ProxyDataSource.
		NeonTopologyContexts.runner(this.topology, this.database)
			.withConfiguration(AutoConfigurations.of(NeonObservationAutoConfiguration.class,
					NeonResilienceAutoConfiguration.class, DataSourceObservationAutoConfiguration.class))
			.withBean(TestObservationRegistry.class, TestObservationRegistry::create)
			// Its tracing handlers need a Tracer, which an application with tracing has.
			.withBean(Tracer.class, () -> Tracer.NOOP)
			.withPropertyValues("jdbc.datasource-proxy.enabled=true", "spring.flyway.enabled=true",
					"spring.flyway.locations=classpath:db/neon-wrapped")
			.run((context) -> {
				DataSource primary = assertStartedThroughTheWrapper(context);
				new JdbcTemplate(primary).update("INSERT INTO wrapped_notes (body) VALUES (?)", "observed twice");
				TestObservationRegistry observations = context.getBean(TestObservationRegistry.class);
				assertThat(observations).hasObservationWithNameEqualTo("neon.queries");
				assertThat(observations).hasObservationWithNameEqualTo("jdbc.query");
			});
	}

	/**
	 * The context started, its primary DataSource is a wrapper, and the starter reached its pools through it: TLS
	 * proven at startup on both, the breaker guard on the pooled one.
	 */
	private static DataSource assertStartedThroughTheWrapper(AssertableApplicationContext context) {
		assertThat(context).hasNotFailed();
		DataSource primary = context.getBean(DataSource.class);
		assertThat(primary).isNotInstanceOf(NeonHikariDataSource.class);
		NeonDataSources pools = context.getBean(NeonDataSources.class);
		for (NeonHikariDataSource pool : List.of(pools.pooled(), pools.direct())) {
			assertThat(pool.tlsStatus()).as(pool.getPoolName())
				.isNotNull()
				.satisfies((status) -> assertThat(status.verified()).isTrue());
		}
		assertThat(pools.pooled().getConnectionGuard()).isNotNull();
		return primary;
	}

	/** How instrumentation wraps a DataSource. */
	enum Wrapping {

		/** A wrapper that unwraps to the pool (OpenTelemetry's and datasource-proxy's DataSources). */
		JDBC_WRAPPER(Unwrapping::new),

		/** Spring's {@link DelegatingDataSource}. */
		DELEGATING((target) -> new DelegatingDataSource(target) {

			@Override
			public Connection getConnection() throws SQLException {
				return counted(super.getConnection());
			}

		}),

		/** An interface-based AOP proxy (OpenTelemetry's outer wrapper presents itself as one). */
		AOP_PROXY((target) -> {
			ProxyFactory factory = new ProxyFactory(target);
			factory.setInterfaces(DataSource.class);
			factory.addAdvice((org.aopalliance.intercept.MethodInterceptor) (invocation) -> {
				Object result = invocation.proceed();
				return (result instanceof Connection connection) ? counted(connection) : result;
			});
			return (DataSource) factory.getProxy();
		}),

		/** A wrapper that hides what it wraps. */
		OPAQUE(Opaque::new);

		private final Function<DataSource, DataSource> wrap;

		Wrapping(Function<DataSource, DataSource> wrap) {
			this.wrap = wrap;
		}

	}

	/** Counts the statements prepared or created on a connection the wrapper handed out. */
	static Connection counted(Connection connection) {
		return (Connection) java.lang.reflect.Proxy.newProxyInstance(Connection.class.getClassLoader(),
				new Class<?>[] { Connection.class }, (proxy, method, args) -> {
					if (List.of("prepareStatement", "createStatement", "prepareCall").contains(method.getName())) {
						Wrapper.statements.incrementAndGet();
					}
					try {
						return method.invoke(connection, args);
					}
					catch (java.lang.reflect.InvocationTargetException ex) {
						throw ex.getCause();
					}
				});
	}

	@Configuration(proxyBeanMethods = false)
	static class WrappingConfiguration {

		@Bean
		static BeanPostProcessor instrumentation() {
			return new Wrapper();
		}

	}

	/** Wraps every DataSource bean, early among post-processors as OpenTelemetry's does. */
	static class Wrapper implements BeanPostProcessor, Ordered {

		static volatile Wrapping wrapping = Wrapping.JDBC_WRAPPER;

		static final AtomicInteger statements = new AtomicInteger();

		@Override
		public Object postProcessAfterInitialization(Object bean, String beanName) {
			return (bean instanceof DataSource dataSource) ? wrapping.wrap.apply(dataSource) : bean;
		}

		@Override
		public int getOrder() {
			return Ordered.LOWEST_PRECEDENCE - 20;
		}

	}

	static class Opaque implements DataSource {

		private final DataSource target;

		Opaque(DataSource target) {
			this.target = target;
		}

		@Override
		public Connection getConnection() throws SQLException {
			return counted(this.target.getConnection());
		}

		@Override
		public Connection getConnection(String username, String password) throws SQLException {
			return counted(this.target.getConnection(username, password));
		}

		@Override
		public PrintWriter getLogWriter() throws SQLException {
			return this.target.getLogWriter();
		}

		@Override
		public void setLogWriter(PrintWriter out) throws SQLException {
			this.target.setLogWriter(out);
		}

		@Override
		public void setLoginTimeout(int seconds) throws SQLException {
			this.target.setLoginTimeout(seconds);
		}

		@Override
		public int getLoginTimeout() throws SQLException {
			return this.target.getLoginTimeout();
		}

		@Override
		public Logger getParentLogger() {
			return Logger.getLogger(Logger.GLOBAL_LOGGER_NAME);
		}

		@Override
		public <T> T unwrap(Class<T> type) throws SQLException {
			throw new SQLException("not a wrapper");
		}

		@Override
		public boolean isWrapperFor(Class<?> type) throws SQLException {
			return false;
		}

	}

	static class Unwrapping extends Opaque {

		private final DataSource target;

		Unwrapping(DataSource target) {
			super(target);
			this.target = target;
		}

		@Override
		public <T> T unwrap(Class<T> type) throws SQLException {
			return type.isInstance(this.target) ? type.cast(this.target) : this.target.unwrap(type);
		}

		@Override
		public boolean isWrapperFor(Class<?> type) throws SQLException {
			return type.isInstance(this.target) || this.target.isWrapperFor(type);
		}

	}

}
