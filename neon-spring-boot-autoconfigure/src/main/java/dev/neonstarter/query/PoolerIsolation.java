package dev.neonstarter.query;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;

/**
 * The transaction isolation level asked of one connection through a pooler in transaction mode (Neon's
 * PgBouncer). pgjdbc sends {@code setTransactionIsolation} as {@code SET SESSION CHARACTERISTICS AS TRANSACTION
 * ISOLATION LEVEL …}, a statement of its own: through the pooler it sets the level of whichever server connection
 * ran it, which PgBouncer then hands to other clients, while this client's transaction runs on another server
 * connection at the default level. So the level is kept here and sent as {@code SET TRANSACTION ISOLATION LEVEL …}
 * inside each transaction, before its first statement: the same server connection, this transaction only.
 * Statements in auto-commit mode run at the server's default level.
 */
final class PoolerIsolation {

	private final Connection target;

	/** The level asked for (or the pool's own), or -1 when none was (then the driver is asked). */
	private int level;

	/** Whether the current transaction has been given the level. */
	private boolean applied;

	/**
	 * @param poolLevel the pool's own level, given to each transaction nothing asks another level for, or -1
	 * for the role's default
	 */
	PoolerIsolation(Connection target, int poolLevel) {
		this.target = target;
		this.level = poolLevel;
	}

	void request(int level) throws SQLException {
		if (name(level) == null) {
			throw new SQLFeatureNotSupportedException("Transaction isolation level " + level + " not supported.");
		}
		this.level = level;
		this.applied = false;
	}

	/** The level asked for, or -1. */
	int requested() {
		return this.level;
	}

	/** Before a statement (or a savepoint) that may begin a transaction: gives it the level first. */
	void beforeStatement() throws SQLException {
		if (this.level != -1 && !this.applied && !this.target.getAutoCommit()) {
			// With auto-commit off pgjdbc sends BEGIN before this statement: it is the transaction's first.
			try (Statement statement = this.target.createStatement()) {
				statement.execute("SET TRANSACTION ISOLATION LEVEL " + name(this.level));
			}
			this.applied = true;
		}
	}

	/** After a commit, a rollback or auto-commit turned on: the next transaction is given the level again. */
	void transactionEnded() {
		this.applied = false;
	}

	private static String name(int level) {
		return switch (level) {
			case Connection.TRANSACTION_READ_UNCOMMITTED -> "READ UNCOMMITTED";
			case Connection.TRANSACTION_READ_COMMITTED -> "READ COMMITTED";
			case Connection.TRANSACTION_REPEATABLE_READ -> "REPEATABLE READ";
			case Connection.TRANSACTION_SERIALIZABLE -> "SERIALIZABLE";
			default -> null;
		};
	}

}
