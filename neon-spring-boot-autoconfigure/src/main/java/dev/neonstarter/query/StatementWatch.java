package dev.neonstarter.query;

import java.sql.Connection;

/**
 * Told when a statement starts and when it finishes, to watch for statements that wait too long (the endpoint
 * monitor's stall watch).
 */
public interface StatementWatch {

	/** The token of a statement that is not watched. */
	int NOT_WATCHED = -2;

	/**
	 * Whether statements are watched at all; when no watch, listener or observation wants them, connections are
	 * handed out unwrapped.
	 */
	boolean watchesStatements();

	/**
	 * A statement starts on the connection (as the caller holds it), on the calling thread.
	 * @return a token for {@link #statementFinished}, or {@link #NOT_WATCHED}
	 */
	int statementStarted(Connection connection);

	/**
	 * The statement of the token returned by {@link #statementStarted} finished; called on the thread that
	 * started it.
	 */
	void statementFinished(int token);

}
