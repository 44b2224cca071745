package dev.neonstarter.jdbc.autoconfigure;

import dev.neonstarter.connection.InvalidNeonConnectionStringException;
import dev.neonstarter.connection.UnknownConnectionParameterException;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports a malformed connection string: what is wrong and where it came from, never the password.
 */
class InvalidNeonConnectionStringFailureAnalyzer
		extends AbstractFailureAnalyzer<InvalidNeonConnectionStringException> {

	@Override
	protected @Nullable FailureAnalysis analyze(Throwable rootFailure, InvalidNeonConnectionStringException cause) {
		if (cause instanceof UnknownConnectionParameterException) {
			// Explained by UnknownConnectionParameterFailureAnalyzer.
			return null;
		}
		String where = (cause.getSource() != null) ? cause.getSource() : "the connection string";
		return new FailureAnalysis("The connection string in " + where + " cannot be used: " + cause.getReason() + ".",
				"Fix " + where + ". Paste the connection string from the Neon console as it is shown, e.g."
						+ " postgresql://USER:PASSWORD@ep-...-pooler.REGION.aws.neon.tech/DB?sslmode=require"
						+ "&channel_binding=require; characters such as @ : / ? # % in the password must be"
						+ " percent-encoded (%40 %3A %2F %3F %23 %25).",
				null);
	}

}
