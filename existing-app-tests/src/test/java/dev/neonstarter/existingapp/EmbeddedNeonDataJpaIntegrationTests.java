package dev.neonstarter.existingapp;

import javax.sql.DataSource;

import dev.neonstarter.pool.NeonHikariDataSource;
import dev.neonstarter.test.AutoConfigureEmbeddedNeon;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.data.jpa.test.autoconfigure.DataJpaTest;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JPA slice with {@code @AutoConfigureEmbeddedNeon}: repositories on PostgreSQL (not H2, which the slice's
 * {@code @AutoConfigureTestDatabase} would otherwise put in), migrated by Flyway as in production.
 */
@DataJpaTest(properties = "DATABASE_URL=postgresql://nobody:secret@ep-unused-123456-pooler.us-east-2.aws.neon.tech/db")
@AutoConfigureEmbeddedNeon
class EmbeddedNeonDataJpaIntegrationTests {

	@Autowired
	DataSource dataSource;

	@Autowired
	OwnerRepository owners;

	@Test
	void repositoriesRunOnTheEmbeddedPostgres() {
		assertThat(this.dataSource).isInstanceOf(NeonHikariDataSource.class);
		assertThat(JdbcClient.create(this.dataSource).sql("SELECT version()").query(String.class).single())
			.startsWith("PostgreSQL");
		this.owners.save(new Owner("George Franklin"));
		this.owners.save(new Owner("Betty Davis"));
		assertThat(this.owners.findByNameContainingIgnoreCaseOrderByName("D")).extracting(Owner::getName)
			.containsExactly("Betty Davis");
		assertThat(this.owners.countNamed("George Franklin", "Betty Davis", "nobody")).isEqualTo(2);
	}

}
