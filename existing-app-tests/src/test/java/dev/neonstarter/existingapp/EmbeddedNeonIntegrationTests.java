package dev.neonstarter.existingapp;

import java.util.Map;

import javax.sql.DataSource;

import dev.neonstarter.pool.NeonDataSources;
import dev.neonstarter.pool.NeonHikariDataSource;
import dev.neonstarter.test.AutoConfigureEmbeddedNeon;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
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
	@Qualifier(NeonDataSources.DIRECT_BEAN_NAME)
	NeonHikariDataSource direct;

	@Autowired
	OwnerService owners;

	@Test
	void bothPoolsUseTheEmbeddedPostgres() {
		assertThat(this.dataSource).isInstanceOf(NeonHikariDataSource.class);
		NeonHikariDataSource pooled = (NeonHikariDataSource) this.dataSource;
		assertThat(pooled.getJdbcUrl()).startsWith("jdbc:postgresql://localhost:")
			.isEqualTo(this.direct.getJdbcUrl())
			.doesNotContain(String.valueOf(realDatabase.port()));
		JdbcClient jdbc = JdbcClient.create(this.direct);
		assertThat(jdbc.sql("SELECT version()").query(String.class).single()).startsWith("PostgreSQL");
		Map<String, Object> migration = jdbc.sql("SELECT version, success FROM flyway_schema_history").query().singleRow();
		assertThat(migration).containsEntry("version", "1").containsEntry("success", true);
		this.owners.add("Eduardo Rodriquez");
		assertThat(this.owners.search("rodri")).extracting(Owner::getName).containsExactly("Eduardo Rodriquez");
		realDatabase.assertUntouched();
	}

}
