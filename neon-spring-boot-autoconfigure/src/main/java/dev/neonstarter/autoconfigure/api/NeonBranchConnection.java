package dev.neonstarter.autoconfigure.api;

import dev.neonstarter.connection.NeonConnectionString;
import dev.neonstarter.jdbc.autoconfigure.NeonConnectionDetails;

/**
 * A Neon branch ready to connect to: its read-write endpoint has started and both connection strings are
 * known. As {@link NeonConnectionDetails} it can replace the configured connection of both DataSources.
 * {@link #toString()} masks the passwords.
 *
 * @param branch the branch
 * @param endpointId the id of its read-write compute endpoint
 * @param pooled the connection string of the pooled ({@code -pooler}) endpoint
 * @param direct the connection string of the direct endpoint
 */
public record NeonBranchConnection(NeonApiClient.Branch branch, String endpointId, NeonConnectionString pooled,
		NeonConnectionString direct) implements NeonConnectionDetails {

	/** The branch name. */
	public String name() {
		return this.branch.name();
	}

	/** The branch id ({@code br-…}). */
	public String id() {
		return this.branch.id();
	}

	@Override
	public NeonConnectionString getPooled() {
		return this.pooled;
	}

	@Override
	public NeonConnectionString getDirect() {
		return this.direct;
	}

}
