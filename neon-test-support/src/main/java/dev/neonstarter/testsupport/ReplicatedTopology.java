package dev.neonstarter.testsupport;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A private {@link NeonTestTopology} and a {@link ReadReplicaServer} (a hot standby of its PostgreSQL) for one
 * test class, started before all its tests and closed after them. Register it on a static field:
 * {@code @RegisterExtension static final ReplicatedTopology servers = new ReplicatedTopology();}. A private
 * topology keeps the standby's base backup small: the shared topology holds a database per test.
 */
public final class ReplicatedTopology implements BeforeAllCallback, AfterAllCallback {

	private @Nullable NeonTestTopology topology;

	private @Nullable ReadReplicaServer replica;

	@Override
	public void beforeAll(ExtensionContext context) {
		this.topology = NeonTestTopology.start();
		this.replica = ReadReplicaServer.start(this.topology);
	}

	@Override
	public void afterAll(ExtensionContext context) {
		if (this.replica != null) {
			this.replica.close();
		}
		if (this.topology != null) {
			this.topology.close();
		}
	}

	/** The primary: PostgreSQL and PgBouncer. */
	public NeonTestTopology topology() {
		return started(this.topology);
	}

	/** The hot standby of the topology's PostgreSQL. */
	public ReadReplicaServer replica() {
		return started(this.replica);
	}

	private static <T> T started(@Nullable T server) {
		if (server == null) {
			throw new IllegalStateException("Not started: register it on a static @RegisterExtension field");
		}
		return server;
	}

}
