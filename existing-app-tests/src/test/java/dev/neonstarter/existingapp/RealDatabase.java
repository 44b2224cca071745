package dev.neonstarter.existingapp;

import java.util.List;

import dev.neonstarter.testsupport.FaultProxy;
import dev.neonstarter.testsupport.NeonTestTopology;

import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * A real PostgreSQL database, named by {@code DATABASE_URL} as on a developer's machine, reachable only through a
 * proxy that counts connection attempts: a test that must not touch it shows that nothing connected and nothing
 * was created.
 */
final class RealDatabase implements AutoCloseable {

	private final NeonTestTopology topology = NeonTestTopology.shared();

	private final String database = this.topology.createDatabase();

	private final FaultProxy proxy = FaultProxy.start(this.topology.postgres().port());

	/** Sets {@code DATABASE_URL} (and the TLS settings a Neon user has) to this database. */
	void register(DynamicPropertyRegistry registry) {
		registry.add("DATABASE_URL", () -> this.topology.urlAt(this.proxy.port(), this.database, "sslmode=require"));
		TestDatabases.tls(registry, this.topology);
	}

	int port() {
		return this.proxy.port();
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
	public void close() {
		this.proxy.close();
	}

}
