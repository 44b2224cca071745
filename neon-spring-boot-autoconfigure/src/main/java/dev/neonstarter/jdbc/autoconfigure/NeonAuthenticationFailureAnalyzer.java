package dev.neonstarter.jdbc.autoconfigure;

import dev.neonstarter.connection.NeonAuthenticationException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a refused login: which pool, host and user (never the password), where the credentials come from,
 * and for Neon hosts the SNI / endpoint id cause of a "password authentication failed" with a right password.
 */
class NeonAuthenticationFailureAnalyzer extends AbstractFailureAnalyzer<NeonAuthenticationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, NeonAuthenticationException cause) {
		String target = cause.getHost() + ((cause.getPort() > 0) ? ":" + cause.getPort() : "");
		String serverSays = (cause.getCause() != null) ? cause.getCause().getMessage() : cause.getMessage();
		String description = "The " + cause.getPoolName() + " DataSource could not log in to " + target + " as user '"
				+ cause.getUsername() + "': " + serverSays + " (SQLState " + cause.getSQLState() + ").";
		StringBuilder action = new StringBuilder("Check the user name and password the ")
			.append(cause.getPoolName())
			.append(" DataSource uses. They come from the user:password part of neon.url / DATABASE_URL")
			.append(" (percent-encoded: @ : / ? # % as %40 %3A %2F %3F %23 %25)")
			.append(cause.getPoolName().endsWith("direct") ? " or neon.direct-url / DIRECT_URL" : "")
			.append(", overridden by neon.username / neon.password")
			.append(cause.getPoolName().endsWith("direct") ? " and neon.direct.username / neon.direct.password" : "")
			.append(", or from a service connection (JdbcConnectionDetails / NeonConnectionDetails bean).");
		if (cause.getEndpointId() != null) {
			action.append(" On Neon, the console shows each role's password (Roles, or Connect) and can reset it.")
				.append(" If the password is right, the client may not be sending SNI, which Neon uses to find the")
				.append(" endpoint (\"The endpoint ID is not specified\"): use a current pgjdbc without a")
				.append(" TLS-terminating proxy in between, or name the endpoint in the direct connection string with")
				.append(" options=endpoint%3D")
				.append(cause.getEndpointId())
				.append(" (neon.direct-url; the pooler rejects the options parameter).");
		}
		return new FailureAnalysis(description, action.toString(), cause);
	}

}
