package dev.neonstarter.connection;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.List;

import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;

import dev.neonstarter.connection.NeonConnectionFailures.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.TransientDataAccessResourceException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The failure classifier, rule by rule, on the exceptions pgjdbc, HikariCP, PgBouncer and Neon's proxy throw
 * (their messages and SQLStates). {@code NeonConnectionFailuresIntegrationTests} reads what pgjdbc really throws
 * against real servers.
 */
class NeonConnectionFailuresTests {

	// isConnectionFailure: the pools' failure tracking

	@ParameterizedTest(name = "{0} -> {1}")
	@CsvSource({ "08000, true", "08001, true", "08006, true", "08P01, true", "57P01, true", "57P02, true",
			"57P03, true", "53300, true", "57014, false", "53100, false", "40001, false", "28P01, false",
			"23505, false", "XX000, false" })
	void connectionFailuresBySqlState(String sqlState, boolean expected) {
		assertThat(NeonConnectionFailures.isConnectionFailure(sqlState)).isEqualTo(expected);
	}

	@Test
	void noSqlStateIsNoConnectionFailure() {
		assertThat(NeonConnectionFailures.isConnectionFailure(null)).isFalse();
	}

	// kind: what a retry or a circuit breaker makes of a failure

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
	void kindBySqlState(String sqlState, Kind expected) {
		assertThat(NeonConnectionFailures.kind(new SQLException("boom", sqlState))).isEqualTo(expected);
	}

	@Test
	void hikariAcquisitionTimeoutIsAConnectionFailureWhenItCarriesOne() {
		assertThat(NeonConnectionFailures.kind(hikariTimeout(new SQLException("Connection refused", "08001"))))
			.isEqualTo(Kind.CONNECTION);
		// Every connection busy, none failing: the pool's business, not the database's.
		SQLTransientConnectionException busy = new SQLTransientConnectionException(
				"neon-pooled - Connection is not available, request timed out after 15000ms (total=10, active=10,"
						+ " idle=0, waiting=3)");
		assertThat(NeonConnectionFailures.kind(busy)).isEqualTo(Kind.PERMANENT);
		assertThat(NeonConnectionFailures.kind(new SQLException(busy.getMessage()))).isEqualTo(Kind.PERMANENT);
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = { "ERROR: Couldn't connect to compute node",
			"ERROR: query_wait_timeout", "FATAL: no more connections allowed (max_client_conn)",
			"ERROR: pgbouncer cannot connect to server",
			"FATAL: server login has been failing, try again later (server_login_retry)",
			"FATAL: terminating connection due to administrator command" })
	void neonAndPgBouncerMessagesAreConnectionFailures(String message) {
		assertThat(NeonConnectionFailures.kind(new PSQLException(message, PSQLState.UNKNOWN_STATE)))
			.isEqualTo(Kind.CONNECTION);
	}

	@Test
	void kindLooksThroughSpringsExceptionTranslation() {
		assertThat(NeonConnectionFailures
			.kind(new TransientDataAccessResourceException("x", new SQLException("y", "57P01")))).isEqualTo(Kind.CONNECTION);
		assertThat(NeonConnectionFailures
			.kind(new DataIntegrityViolationException("x", new SQLException("y", "23505")))).isEqualTo(Kind.PERMANENT);
		assertThat(NeonConnectionFailures
			.kind(new TransientDataAccessResourceException("x", new SQLException("y", "40001"))))
			.isEqualTo(Kind.TRANSACTION);
	}

	@Test
	void aConnectionFailureAnywhereInTheChainWins() {
		SQLException deadlockCausedByDrop = new SQLException("deadlock", "40P01", new SQLException("gone", "08006"));
		assertThat(NeonConnectionFailures.kind(deadlockCausedByDrop)).isEqualTo(Kind.CONNECTION);
	}

	@Test
	void aPoolFailingFastIsNeitherRetriedNorCountedAgain() {
		NeonUnavailableException open = new NeonUnavailableException("neon", "neon-pooled", Duration.ofSeconds(5));
		assertThat(open.getSQLState()).startsWith("08");
		assertThat(NeonConnectionFailures.kind(open)).isEqualTo(Kind.PERMANENT);
		assertThat(NeonConnectionFailures.kind(new TransientDataAccessResourceException("x", open)))
			.isEqualTo(Kind.PERMANENT);
		NeonUnavailableException down = NeonUnavailableException.endpointDown("neon-pooled", Duration.ofSeconds(1),
				"connection refused: Connection to localhost:5432 refused.");
		assertThat(NeonConnectionFailures.kind(down)).isEqualTo(Kind.PERMANENT);
	}

	@Test
	void unrelatedExceptionsArePermanent() {
		assertThat(NeonConnectionFailures.kind(new IllegalArgumentException("bad input"))).isEqualTo(Kind.PERMANENT);
		assertThat(NeonConnectionFailures.kind(new IOException("disk"))).isEqualTo(Kind.PERMANENT);
		assertThat(NeonConnectionFailures.kind(new SQLException("no state"))).isEqualTo(Kind.PERMANENT);
	}

	// isEndpointDown: the endpoint monitor's trigger

	@Test
	void connectionLevelFailuresTakeTheEndpointDown() {
		assertThat(List.of(refused(),
				new SQLException("The connection attempt failed.", "08001", new SocketTimeoutException("Connect timed out")),
				new SQLException("Connection attempt timed out.", "08001"),
				new SQLException("FATAL: server login has been failing, try again later (server_login_retry)", "08P01"),
				new SQLException("ERROR: Couldn't connect to compute node", "XX000"),
				new SQLException("FATAL: the database system is starting up", "57P03"),
				new SQLException("An I/O error occurred while sending to the backend.", "08006",
						new java.net.SocketException("Connection reset")),
				new SQLException("SSL error: Remote host terminated the handshake", "08006",
						new SSLHandshakeException("Remote host terminated the handshake"))))
			.allSatisfy((failure) -> assertThat(NeonConnectionFailures.isEndpointDown(failure))
				.as(failure.getMessage())
				.isTrue());
	}

	@Test
	void pgBouncersLoginRetryIsToldApart() {
		SQLException retry = new SQLException(
				"FATAL: server login has been failing, try again later (server_login_retry)", "08P01");
		assertThat(NeonConnectionFailures.isPoolerLoginRetry(retry)).isTrue();
		assertThat(NeonConnectionFailures.isPoolerLoginRetry(new RuntimeException("wrapped", retry))).isTrue();
		assertThat(NeonConnectionFailures.isPoolerLoginRetry(refused())).isFalse();
		assertThat(NeonConnectionFailures.isPoolerLoginRetry(new SQLException("ERROR: query_wait_timeout", "08P01")))
			.isFalse();
	}

	@Test
	void configurationErrorsInterruptsAndSaturationDoNot() {
		SSLHandshakeException untrusted = new SSLHandshakeException("PKIX path building failed");
		untrusted.initCause(new CertificateException("unable to find valid certification path"));
		assertThat(List.of(new SQLException("FATAL: password authentication failed for user \"app\"", "28P01"),
				// PgBouncer refuses a wrong SCRAM password with 08P01.
				new SQLException("FATAL: SASL authentication failed", "08P01"),
				new SQLException("SSL error: PKIX path building failed", "08006", untrusted),
				new SQLException("The hostname localhost could not be verified by hostnameverifier PgjdbcHostnameVerifier.",
						"08006"),
				// A server without TLS answers: sslmode=require or stricter refuses it, a probe cannot fix that.
				new SQLException("The server does not support SSL.", "08004"),
				new SQLException("The connection attempt failed.", "08001", new UnknownHostException("ep-x.neon.tech")),
				new SQLException("Interrupted while attempting to connect.", "08001"),
				// Too many connections: the endpoint answers (the failure-rate breaker counts it).
				new SQLException("FATAL: sorry, too many clients already", "53300"),
				// The pooler is saturated, not down (PgBouncer reports these with 08P01).
				new SQLException("FATAL: no more connections allowed (max_client_conn)", "08P01"),
				new SQLException("ERROR: query_wait_timeout", "08P01"),
				new SQLException("syntax error", "42601")))
			.allSatisfy((failure) -> assertThat(NeonConnectionFailures.isEndpointDown(failure))
				.as(failure.getMessage())
				.isFalse());
	}

	// isAuthenticationFailure

	@Test
	void refusedCredentials() {
		assertThat(List.of(new SQLException("FATAL: password authentication failed for user \"app\"", "28P01"),
				new SQLException("FATAL: role \"nobody\" does not exist", "28000"),
				new SQLException("FATAL: SASL authentication failed", "08P01"),
				new SQLException("ERROR: The endpoint ID is not specified. Either please upgrade the postgres client"
						+ " library (libpq) for SNI support or pass the endpoint ID", "08P01")))
			.allSatisfy((failure) -> assertThat(NeonConnectionFailures.isAuthenticationFailure(failure))
				.as(failure.getMessage())
				.isTrue());
		assertThat(List.of(refused(), new SQLException("FATAL: the database system is starting up", "57P03"),
				new SQLException("no state")))
			.allSatisfy((failure) -> assertThat(NeonConnectionFailures.isAuthenticationFailure(failure))
				.as(failure.getMessage())
				.isFalse());
	}

	// tlsFailure

	@Test
	void whichTlsCheckFailed() {
		assertThat(NeonConnectionFailures.tlsFailure(new PSQLException("The server does not support SSL.",
				PSQLState.CONNECTION_REJECTED))).isEqualTo(NeonTlsException.Failure.TLS_NOT_SUPPORTED);
		assertThat(NeonConnectionFailures.tlsFailure(new SQLException("The hostname localhost could not be verified by"
				+ " hostnameverifier PgjdbcHostnameVerifier.", "08006")))
			.isEqualTo(NeonTlsException.Failure.HOSTNAME_MISMATCH);
		assertThat(NeonConnectionFailures.tlsFailure(new SQLException("SSL error", "08006",
				new SSLPeerUnverifiedException("No subject alternative DNS name matching db.example.com found."))))
			.isEqualTo(NeonTlsException.Failure.HOSTNAME_MISMATCH);
		assertThat(NeonConnectionFailures.tlsFailure(new SQLException("Could not open SSL root certificate file"
				+ " /nonexistent/root.pem.", "08006"))).isEqualTo(NeonTlsException.Failure.ROOT_CERT_UNREADABLE);
		assertThat(NeonConnectionFailures.tlsFailure(untrusted())).isEqualTo(NeonTlsException.Failure.UNTRUSTED_CERTIFICATE);
		assertThat(NeonConnectionFailures.tlsFailure(new SQLException("SSL error", "08006",
				new CertificateException("certificate expired"))))
			.isEqualTo(NeonTlsException.Failure.UNTRUSTED_CERTIFICATE);
		assertThat(NeonConnectionFailures.tlsFailure(new SQLException("SSL error: Remote host terminated the handshake",
				"08006", new SSLHandshakeException("Remote host terminated the handshake"))))
			.isEqualTo(NeonTlsException.Failure.HANDSHAKE_FAILED);
	}

	@Test
	void otherFailuresAreNotAboutTls() {
		assertThat(NeonConnectionFailures.tlsFailure(refused())).isNull();
		assertThat(NeonConnectionFailures.tlsFailure(new SQLException("FATAL: password authentication failed for"
				+ " user \"app\"", "28P01"))).isNull();
	}

	// describe: the cause in words, for the neon health's error

	@Test
	void describesARefusedConnectionWithTheDriversMessage() {
		assertThat(NeonConnectionFailures.describe(refused()))
			.isEqualTo("connection refused: Connection to localhost:5432 refused.");
		// HikariCP's timeout carries the driver's failure.
		assertThat(NeonConnectionFailures.describe(hikariTimeout(refused())))
			.isEqualTo("connection refused: Connection to localhost:5432 refused.");
	}

	@Test
	void describesAnUnknownHost() {
		assertThat(NeonConnectionFailures.describe(new SQLException("The connection attempt failed.", "08001",
				new UnknownHostException("ep-x.neon.tech")))).isEqualTo("unknown host: The connection attempt failed.");
	}

	@Test
	void describesRefusedCredentialsWithTheServersMessage() {
		SQLException wrongPassword = new SQLException("FATAL: password authentication failed for user \"app\"",
				"28P01");
		assertThat(NeonConnectionFailures.describe(wrongPassword))
			.isEqualTo("authentication failed: FATAL: password authentication failed for user \"app\"");
		assertThat(NeonConnectionFailures.describe(hikariTimeout(wrongPassword)))
			.isEqualTo("authentication failed: FATAL: password authentication failed for user \"app\"");
		NeonAuthenticationException wrapped = new NeonAuthenticationException("neon-pooled",
				NeonConnectionString.parse("postgresql://app:Tr0ub4dor@localhost:6432/db"), "app", wrongPassword);
		assertThat(NeonConnectionFailures.describe(wrapped))
			.isEqualTo("authentication failed: FATAL: password authentication failed for user \"app\"")
			.doesNotContain("Tr0ub4dor");
	}

	@Test
	void describesATlsFailureByItsCheck() {
		assertThat(NeonConnectionFailures.describe(untrusted()))
			.isEqualTo("TLS failed (untrusted certificate): unable to find valid certification path");
		assertThat(NeonConnectionFailures.describe(new PSQLException("The server does not support SSL.",
				PSQLState.CONNECTION_REJECTED))).isEqualTo("TLS failed (tls not supported): The server does not support SSL.");
	}

	@Test
	void describesATimeout() {
		assertThat(NeonConnectionFailures.describe(new SQLException("The connection attempt failed.", "08001",
				new SocketTimeoutException("Connect timed out")))).isEqualTo("timed out: Connect timed out");
		assertThat(NeonConnectionFailures.describe(new SQLException("Connection attempt timed out.", "08001")))
			.isEqualTo("timed out: Connection attempt timed out.");
	}

	@Test
	void describesAPoolFailingFastByWhyItsEndpointIsDown() {
		NeonUnavailableException down = NeonUnavailableException.endpointDown("neon-pooled", Duration.ofSeconds(1),
				"connection refused: Connection to localhost:5432 refused.");
		down.initCause(new SQLException("interrupted", "08001"));
		assertThat(NeonConnectionFailures.describe(down))
			.isEqualTo("connection refused: Connection to localhost:5432 refused.");
		NeonUnavailableException open = new NeonUnavailableException("neon", "neon-pooled", Duration.ofSeconds(5));
		assertThat(NeonConnectionFailures.describe(new TransientDataAccessResourceException("x", open)))
			.isEqualTo(open.getMessage())
			.contains("the 'neon' circuit breaker is open");
	}

	@Test
	void describesAnythingElseByItsInnermostMessage() {
		assertThat(NeonConnectionFailures.describe(new SQLException("ERROR: relation \"x\" does not exist", "42P01")))
			.isEqualTo("ERROR: relation \"x\" does not exist");
		assertThat(NeonConnectionFailures.describe(new IllegalStateException("outer", new SQLException("inner", "XX000"))))
			.isEqualTo("inner");
	}

	private static SQLException refused() {
		return new SQLException("Connection to localhost:5432 refused.", "08001", new ConnectException("Connection refused"));
	}

	private static SQLException untrusted() {
		SSLHandshakeException handshake = new SSLHandshakeException("PKIX path building failed");
		handshake.initCause(new CertificateException("unable to find valid certification path"));
		return new SQLException("SSL error: PKIX path building failed", "08006", handshake);
	}

	private static SQLTransientConnectionException hikariTimeout(SQLException cause) {
		return new SQLTransientConnectionException(
				"neon-pooled - Connection is not available, request timed out after 15000ms.", cause.getSQLState(), cause);
	}

}
