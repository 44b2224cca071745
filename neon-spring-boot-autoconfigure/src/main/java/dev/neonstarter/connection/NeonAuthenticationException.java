package dev.neonstarter.connection;

import java.sql.SQLException;
import java.sql.SQLInvalidAuthorizationSpecException;

import org.jspecify.annotations.Nullable;

/**
 * A pool could not log in: the driver's error (SQLState class 28, or the pooler's "password authentication
 * failed") with the pool, host and user it concerns, so the failure can be explained without guessing. The
 * SQLState, vendor code and the driver's exception (as cause) are kept; the password never appears.
 */
public class NeonAuthenticationException extends SQLInvalidAuthorizationSpecException {

	private final String poolName;

	private final String username;

	private final String host;

	private final int port;

	private final @Nullable String endpointId;

	private final boolean pooledEndpoint;

	/**
	 * Creates the exception.
	 * @param poolName the pool that could not log in
	 * @param connection where the pool connects
	 * @param username the refused user name
	 * @param cause the driver's exception
	 */
	public NeonAuthenticationException(String poolName, NeonConnectionString connection, String username,
			SQLException cause) {
		super(poolName + " could not log in to " + connection.address() + " as user '"
				+ username + "': " + cause.getMessage(), cause.getSQLState(), cause.getErrorCode(), cause);
		this.poolName = poolName;
		this.username = username;
		this.host = connection.host();
		this.port = connection.port();
		this.endpointId = connection.endpointId();
		this.pooledEndpoint = connection.isPooledEndpoint();
	}

	/** The pool that could not log in, e.g. {@code neon-direct}. */
	public String getPoolName() {
		return this.poolName;
	}

	/** The user name that was refused. */
	public String getUsername() {
		return this.username;
	}

	/** The host the pool connects to. */
	public String getHost() {
		return this.host;
	}

	/** The port. */
	public int getPort() {
		return this.port;
	}

	/** The Neon endpoint id ({@code ep-...}), or {@code null} for other hosts. */
	public @Nullable String getEndpointId() {
		return this.endpointId;
	}

	/** Whether the host is a Neon pooled ({@code -pooler}) endpoint. */
	public boolean isPooledEndpoint() {
		return this.pooledEndpoint;
	}

}
