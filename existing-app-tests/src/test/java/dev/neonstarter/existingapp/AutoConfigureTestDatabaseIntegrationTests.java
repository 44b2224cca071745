package dev.neonstarter.existingapp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.jdbc.test.autoconfigure.AutoConfigureTestDatabase;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A common test set-up on a developer's machine that has {@code DATABASE_URL} exported: {@code @SpringBootTest}
 * with {@code @AutoConfigureTestDatabase}. The starter backs off entirely, so Spring Boot replaces its DataSource
 * with H2 and nothing, Flyway included, reaches the real database: every connection to it would pass the proxy,
 * which sees none, and its schema stays empty.
 */
@SpringBootTest
@AutoConfigureTestDatabase
class AutoConfigureTestDatabaseIntegrationTests {

	@RegisterExtension
	static final RealDatabase realDatabase = new RealDatabase();

	@DynamicPropertySource
	static void realDatabaseInTheEnvironment(DynamicPropertyRegistry registry) {
		realDatabase.register(registry);
	}

	@Autowired
	ApplicationContext context;

	@Autowired
	OwnerService owners;

	@Test
	void theRealDatabaseIsNeverTouched() {
		this.owners.add("Harold Davis");
		assertThat(this.owners.search("davis")).hasSize(1);
		realDatabase.assertUntouchedBesides(this.context);
	}

}
