package dev.neonstarter.query;

import java.sql.Connection;

import org.jspecify.annotations.Nullable;

/**
 * Told when a statement starts and when it finishes, to watch for statements that wait too long (the endpoint
 * monitor's stall watch).
 */
public interface StatementWatch {

	/**
	 * Whether statements are watched at all; when no watch, listener or observation wants them, connections are
	 * handed out unwrapped.
	 */
	boolean watchesStatements();

	/**
	 * A statement starts on the connection (as the caller holds it).
	 * @return a token for {@link #statementFinished}, or {@code null}
	 */
	@Nullable Object statementStarted(Connection connection);

	/** The statement of the token returned by {@link #statementStarted} finished. */
	void statementFinished(@Nullable Object token);

}
