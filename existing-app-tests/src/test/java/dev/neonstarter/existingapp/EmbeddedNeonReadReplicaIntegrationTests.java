package dev.neonstarter.existingapp;

import dev.neonstarter.pool.NeonDataSources;
import dev.neonstarter.test.AutoConfigureEmbeddedNeon;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @AutoConfigureEmbeddedNeon} in an application that reads from a read replica: with
 * {@code neon.read-replica.url} naming a real database (as {@code READ_REPLICA_URL} does in CI), the replica's pool
 * runs on the embedded PostgreSQL too, read-only transactions included, and the real database sees no connection.
 */
@SpringBootTest
@AutoConfigureEmbeddedNeon
class EmbeddedNeonReadReplicaIntegrationTests {

	@RegisterExtension
	static final RealDatabase realDatabase = new RealDatabase();

	@DynamicPropertySource
	static void realDatabasesInTheEnvironment(DynamicPropertyRegistry registry) {
		realDatabase.register(registry);
		realDatabase.registerReadReplica(registry);
	}

	@Autowired
	EmbeddedPostgres embedded;

	@Autowired
	NeonDataSources pools;

	@Autowired
	OwnerService owners;

	@Test
	void readOnlyTransactionsRunOnTheEmbeddedPostgres() {
		assertThat(this.pools.replica().getJdbcUrl())
			.startsWith("jdbc:postgresql://localhost:" + this.embedded.getPort() + "/");
		this.owners.add("Jean Coleman");
		assertThat(this.owners.search("coleman")).extracting(Owner::getName).containsExactly("Jean Coleman");
		assertThat(this.owners.readOnlyServerPort()).isEqualTo(this.embedded.getPort());
		realDatabase.assertUntouched();
	}

}
