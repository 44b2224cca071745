package dev.neonstarter.autoconfigure.jdbc;

import java.sql.SQLException;
import java.sql.SQLInvalidAuthorizationSpecException;
import java.util.Locale;

import dev.neonstarter.autoconfigure.connection.InvalidNeonConnectionStringException;
import dev.neonstarter.autoconfigure.connection.NeonConnectionString;

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

	private final String endpointId;

	private final boolean pooledEndpoint;

	/**
	 * Creates the exception.
	 * @param poolName the pool that could not log in
	 * @param jdbcUrl the pool's JDBC URL (without credentials)
	 * @param username the refused user name
	 * @param cause the driver's exception
	 */
	public NeonAuthenticationException(String poolName, String jdbcUrl, String username, SQLException cause) {
		super(poolName + " could not log in to " + target(jdbcUrl) + " as user '" + username + "': "
				+ cause.getMessage(), cause.getSQLState(), cause.getErrorCode(), cause);
		this.poolName = poolName;
		this.username = username;
		NeonConnectionString connection = parse(jdbcUrl);
		this.host = (connection != null) ? connection.host() : jdbcUrl;
		this.port = (connection != null) ? connection.port() : -1;
		this.endpointId = (connection != null) ? connection.endpointId() : null;
		this.pooledEndpoint = connection != null && connection.isPooledEndpoint();
	}

	/**
	 * Whether a driver or pooler error means the credentials were refused: SQLState class 28 (28P01 wrong
	 * password, 28000 no such role or no pg_hba entry), or a pooler's or Neon proxy's message for it.
	 * @param ex the driver's exception
	 * @return whether it reports refused credentials
	 */
	public static boolean isAuthenticationFailure(SQLException ex) {
		if (ex.getSQLState() != null && ex.getSQLState().startsWith("28")) {
			return true;
		}
		String message = (ex.getMessage() != null) ? ex.getMessage().toLowerCase(Locale.ROOT) : "";
		// PgBouncer answers a wrong SCRAM password with "SASL authentication failed" and SQLState 08P01.
		return message.contains("password authentication failed") || message.contains("sasl authentication failed")
				|| message.contains("endpoint id is not specified");
	}

	/** The pool that could not log in, e.g. {@code neon-direct}. */
	public String getPoolName() {
		return this.poolName;
	}

	/** The user name that was refused. */
	public String getUsername() {
		return this.username;
	}

	/** The host the pool connects to (the pool's JDBC URL when it cannot be parsed). */
	public String getHost() {
		return this.host;
	}

	/** The port, or -1 when unknown. */
	public int getPort() {
		return this.port;
	}

	/** The Neon endpoint id ({@code ep-...}), or {@code null} for other hosts. */
	public String getEndpointId() {
		return this.endpointId;
	}

	/** Whether the host is a Neon pooled ({@code -pooler}) endpoint. */
	public boolean isPooledEndpoint() {
		return this.pooledEndpoint;
	}

	private static String target(String jdbcUrl) {
		NeonConnectionString connection = parse(jdbcUrl);
		return (connection != null) ? connection.host() + ":" + connection.port() : String.valueOf(jdbcUrl);
	}

	private static NeonConnectionString parse(String jdbcUrl) {
		try {
			return NeonConnectionString.parse(jdbcUrl);
		}
		catch (InvalidNeonConnectionStringException ex) {
			return null;
		}
	}

}
