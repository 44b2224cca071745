package dev.neonstarter.existingapp;

import dev.neonstarter.test.AutoConfigureEmbeddedNeon;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.data.jpa.test.autoconfigure.DataJpaTest;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JPA slice with {@code @AutoConfigureEmbeddedNeon(enabled = false)}, as a class turns off an annotation it
 * inherits: the slice's own {@code @AutoConfigureTestDatabase} replaces the DataSource with H2 again, as without
 * the annotation, while {@code DATABASE_URL} names a real database that sees no connection.
 */
@DataJpaTest
@AutoConfigureEmbeddedNeon(enabled = false)
class EmbeddedNeonTurnedOffIntegrationTests {

	@RegisterExtension
	static final RealDatabase realDatabase = new RealDatabase();

	@DynamicPropertySource
	static void realDatabaseInTheEnvironment(DynamicPropertyRegistry registry) {
		realDatabase.register(registry);
	}

	@Autowired
	ApplicationContext context;

	@Autowired
	OwnerRepository owners;

	@Test
	void theSlicesTestDatabaseIsUsedAndTheRealOneIsNeverTouched() {
		this.owners.save(new Owner("Maria Escobito"));
		assertThat(this.owners.findByNameContainingIgnoreCaseOrderByName("escob")).hasSize(1);
		realDatabase.assertUntouchedBesides(this.context);
	}

}
