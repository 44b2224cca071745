package dev.neonstarter.jdbc.autoconfigure;

import dev.neonstarter.connection.UnknownConnectionParameterException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Names a connection-string parameter that neither libpq translation nor pgjdbc knows, and what to use.
 */
class UnknownConnectionParameterFailureAnalyzer extends AbstractFailureAnalyzer<UnknownConnectionParameterException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, UnknownConnectionParameterException cause) {
		String where = (cause.getSource() != null) ? cause.getSource() : "the connection string";
		String description = "The connection string in " + where + " has the parameter '" + cause.getParameter()
				+ "', which is neither a libpq parameter the starter translates nor a pgjdbc connection property."
				+ " pgjdbc would ignore it, so the starter refuses it.";
		String action = ((cause.getSuggestion() != null) ? "For '" + cause.getParameter() + "': "
				+ cause.getSuggestion() + ". " : "Remove '" + cause.getParameter() + "' from " + where + ". ")
				+ "Supported are the libpq parameters sslmode, sslrootcert, sslcert, sslkey, sslpassword,"
				+ " channel_binding, sslnegotiation, connect_timeout, application_name, options, user, password and"
				+ " dbname, and any pgjdbc connection property under its pgjdbc name (e.g. prepareThreshold,"
				+ " socketTimeout, tcpKeepAlive). Pool settings belong in neon.pooled.hikari.* /"
				+ " neon.direct.hikari.*, not in the URL.";
		return new FailureAnalysis(description, action, cause);
	}

}
