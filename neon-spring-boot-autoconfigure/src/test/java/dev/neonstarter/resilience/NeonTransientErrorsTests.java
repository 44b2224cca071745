package dev.neonstarter.resilience;

import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import dev.neonstarter.connection.NeonConnectionFailures.Kind;
import dev.neonstarter.connection.NeonUnavailableException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.TransientDataAccessResourceException;

import static org.assertj.core.api.Assertions.assertThat;

class NeonTransientErrorsTests {

	private final NeonTransientErrors errors = new NeonTransientErrors();

	@ParameterizedTest(name = "{0} -> {1}")
	@CsvSource({
			// connection exceptions
			"08000, CONNECTION", "08001, CONNECTION", "08003, CONNECTION", "08004, CONNECTION", "08006, CONNECTION",
			"08P01, CONNECTION",
			// operator intervention: admin shutdown (suspend), crash shutdown, cannot connect now (starting)
			"57P01, CONNECTION", "57P02, CONNECTION", "57P03, CONNECTION",
			// too many connections
			"53300, CONNECTION",
			// whole-transaction retries
			"40001, TRANSACTION", "40P01, TRANSACTION",
			// never retried
			"23505, PERMANENT", "23503, PERMANENT", "23502, PERMANENT", "42601, PERMANENT", "42P01, PERMANENT",
			"42501, PERMANENT", "22001, PERMANENT", "28P01, PERMANENT", "57014, PERMANENT", "53100, PERMANENT",
			"40002, PERMANENT", "XX000, PERMANENT" })
	void classifiesBySqlState(String sqlState, Kind expected) {
		assertThat(this.errors.classify(new SQLException("boom", sqlState))).isEqualTo(expected);
		assertThat(this.errors.isTransient(new SQLException("boom", sqlState))).isEqualTo(expected != Kind.PERMANENT);
		assertThat(this.errors.isUnavailable(new SQLException("boom", sqlState)))
			.isEqualTo(expected == Kind.CONNECTION);
	}

	@Test
	void hikariAcquisitionTimeoutIsAConnectionFailure() {
		SQLTransientConnectionException timeout = new SQLTransientConnectionException(
				"neon-pooled - Connection is not available, request timed out after 15000ms.");
		assertThat(this.errors.classify(timeout)).isEqualTo(Kind.CONNECTION);
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = { "ERROR: Couldn't connect to compute node",
			"ERROR: query_wait_timeout", "FATAL: no more connections allowed (max_client_conn)",
			"ERROR: pgbouncer cannot connect to server" })
	void neonAndPgBouncerMessagesAreConnectionFailures(String message) {
		assertThat(this.errors.classify(new PSQLException(message, PSQLState.UNKNOWN_STATE)))
			.isEqualTo(Kind.CONNECTION);
	}

	@Test
	void looksThroughSpringsExceptionTranslation() {
		assertThat(this.errors.classify(new TransientDataAccessResourceException("x", new SQLException("y", "57P01"))))
			.isEqualTo(Kind.CONNECTION);
		assertThat(this.errors.classify(new DataIntegrityViolationException("x", new SQLException("y", "23505"))))
			.isEqualTo(Kind.PERMANENT);
	}

	@Test
	void aConnectionFailureAnywhereInTheChainWins() {
		SQLException deadlockCausedByDrop = new SQLException("deadlock", "40P01", new SQLException("gone", "08006"));
		assertThat(this.errors.classify(deadlockCausedByDrop)).isEqualTo(Kind.CONNECTION);
	}

	@Test
	void anOpenBreakerIsNeitherRetriedNorCountedAgain() {
		NeonUnavailableException open = new NeonUnavailableException("neon", "neon-pooled", java.time.Duration.ofSeconds(5));
		assertThat(open.getSQLState()).startsWith("08");
		assertThat(this.errors.classify(open)).isEqualTo(Kind.PERMANENT);
		assertThat(this.errors.classify(new TransientDataAccessResourceException("x", open))).isEqualTo(Kind.PERMANENT);
	}

	@Test
	void unrelatedExceptionsArePermanent() {
		assertThat(this.errors.classify(new IllegalArgumentException("bad input"))).isEqualTo(Kind.PERMANENT);
		assertThat(this.errors.classify(new IOException("disk"))).isEqualTo(Kind.PERMANENT);
		assertThat(this.errors.classify(new SQLException("no state"))).isEqualTo(Kind.PERMANENT);
	}

}
