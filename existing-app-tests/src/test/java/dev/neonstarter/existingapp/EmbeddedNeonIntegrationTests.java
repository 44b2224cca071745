package dev.neonstarter.existingapp;

import java.util.Map;

import javax.sql.DataSource;

import dev.neonstarter.pool.NeonDataSources;
import dev.neonstarter.pool.NeonHikariDataSource;
import dev.neonstarter.test.AutoConfigureEmbeddedNeon;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @AutoConfigureEmbeddedNeon} in a {@code @SpringBootTest}: both Neon pools on one embedded PostgreSQL,
 * Flyway through the direct pool, JPA through the pooled one, while {@code DATABASE_URL} names a real database
 * that sees no connection.
 */
@SpringBootTest
@AutoConfigureEmbeddedNeon
class EmbeddedNeonIntegrationTests {

	@RegisterExtension
	static final RealDatabase realDatabase = new RealDatabase();

	@DynamicPropertySource
	static void realDatabaseInTheEnvironment(DynamicPropertyRegistry registry) {
		realDatabase.register(registry);
		registry.add("spring.datasource.url", () -> "jdbc:h2:mem:unused");
	}

	@Autowired
	DataSource dataSource;

	@Autowired
	NeonDataSources pools;

	@Autowired
	OwnerService owners;

	@Test
	void bothPoolsUseTheEmbeddedPostgres() throws Exception {
		// The pooled pool, or a wrapper of it: OpenTelemetry's starter is on this module's test classpath.
		assertThat(this.dataSource.unwrap(NeonHikariDataSource.class)).isSameAs(this.pools.pooled());
		NeonHikariDataSource direct = this.pools.direct();
		assertThat(this.pools.pooled().getJdbcUrl()).startsWith("jdbc:postgresql://localhost:")
			.isEqualTo(direct.getJdbcUrl())
			.doesNotContain(String.valueOf(realDatabase.port()));
		JdbcClient jdbc = JdbcClient.create(direct);
		assertThat(jdbc.sql("SELECT version()").query(String.class).single()).startsWith("PostgreSQL");
		Map<String, Object> migration = jdbc.sql("SELECT version, success FROM flyway_schema_history").query().singleRow();
		assertThat(migration).containsEntry("version", "1").containsEntry("success", true);
		this.owners.add("Eduardo Rodriquez");
		assertThat(this.owners.search("rodri")).extracting(Owner::getName).containsExactly("Eduardo Rodriquez");
		realDatabase.assertUntouched();
	}

}
