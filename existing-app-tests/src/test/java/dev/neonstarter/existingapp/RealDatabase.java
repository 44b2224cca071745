package dev.neonstarter.existingapp;

import java.util.List;

import javax.sql.DataSource;

import dev.neonstarter.pool.NeonHikariDataSource;
import dev.neonstarter.testsupport.FaultProxy;
import dev.neonstarter.testsupport.NeonTestTopology;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import org.springframework.boot.jdbc.EmbeddedDatabaseConnection;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real PostgreSQL database, named by {@code DATABASE_URL} as on a developer's machine, reachable only through a
 * proxy that counts connection attempts: a test that must not touch it shows that nothing connected and nothing
 * was created. Registered with {@code @RegisterExtension} on a static field, it closes the proxy after the class.
 */
final class RealDatabase implements AfterAllCallback {

	private final NeonTestTopology topology = NeonTestTopology.shared();

	private final String database = this.topology.createDatabase();

	private final FaultProxy proxy = FaultProxy.start(this.topology.postgres().port());

	/** Sets {@code DATABASE_URL} (and the TLS settings a Neon user has) to this database. */
	void register(DynamicPropertyRegistry registry) {
		registry.add("DATABASE_URL", () -> this.topology.urlAt(this.proxy.port(), this.database, "sslmode=require"));
		TestDatabases.tls(registry, this.topology);
	}

	/** Sets {@code neon.read-replica.url} to this database, as {@code READ_REPLICA_URL} would. */
	void registerReadReplica(DynamicPropertyRegistry registry) {
		registry.add("neon.read-replica.url",
				() -> this.topology.urlAt(this.proxy.port(), this.database, "sslmode=require"));
	}

	int port() {
		return this.proxy.port();
	}

	/** Fails unless nothing has connected to it and its schema is still empty. */
	void assertUntouched() {
		assertThat(connections()).as("connection attempts to the real database").isZero();
		assertThat(tables()).as("tables created in the real database").isEmpty();
	}

	/**
	 * Fails unless the context's DataSource is Spring Boot's embedded test database, with no Neon pool in the
	 * context, and nothing has touched this database.
	 */
	void assertUntouchedBesides(ApplicationContext context) {
		assertThat(EmbeddedDatabaseConnection.isEmbedded(context.getBean(DataSource.class))).isTrue();
		assertThat(context.getBeanNamesForType(NeonHikariDataSource.class)).isEmpty();
		assertUntouched();
	}

	/** Connection attempts so far. */
	int connections() {
		return this.proxy.acceptedConnections();
	}

	/** The tables of its public schema. */
	List<String> tables() {
		return TestDatabases.tables(this.topology, this.database);
	}

	@Override
	public void afterAll(ExtensionContext context) {
		this.proxy.close();
	}

}
