package dev.neonstarter.ssl;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;

import javax.sql.DataSource;

import dev.neonstarter.connection.NeonConnectionFailures;
import dev.neonstarter.connection.NeonSslMode;
import dev.neonstarter.connection.NeonTlsException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Proves at startup that a pool is on TLS when its mode requires it, and says what it found (the pool keeps it
 * for its health details and the {@code neon.tls.verified} gauge). The pooled endpoint's TLS terminates at the pooler, so there the proof is that the
 * driver, which refuses a plain connection at {@code require} and above, connected at all; for the direct
 * endpoint {@code pg_stat_ssl} is asked too.
 */
public class NeonTlsVerifier {

	private static final Log logger = LogFactory.getLog(NeonTlsVerifier.class);

	/**
	 * Verifies one pool.
	 * @param poolName the pool's name
	 * @param dataSource the pool
	 * @param target {@code host:port}, for messages
	 * @param mode the effective sslmode ({@code null}: pgjdbc's default)
	 * @param askServer whether to confirm with {@code pg_stat_ssl} (direct connections to PostgreSQL)
	 * @param serverLegIsClientLeg whether {@code pg_stat_ssl} describes the client's own leg; not for Neon,
	 * whose proxy terminates TLS
	 * @throws NeonTlsException when TLS is required and absent or unverifiable
	 */
	public @Nullable TlsStatus verify(String poolName, DataSource dataSource, String target, @Nullable NeonSslMode mode,
			boolean askServer, boolean serverLegIsClientLeg) {
		NeonSslMode effective = (mode != null) ? mode : NeonSslMode.PREFER;
		if (!effective.requiresTls()) {
			TlsStatus status = new TlsStatus(effective, false, null, Instant.now());
			logger.info(poolName + " (" + target + ") does not require TLS (sslmode=" + effective.value() + ")");
			return status;
		}
		Boolean serverSaysSsl = null;
		try (Connection connection = dataSource.getConnection()) {
			if (askServer) {
				serverSaysSsl = serverReportsSsl(connection);
				if (Boolean.FALSE.equals(serverSaysSsl) && serverLegIsClientLeg) {
					throw new NeonTlsException(poolName, target, effective, NeonTlsException.Failure.TLS_NOT_IN_USE,
							"the connection succeeded but pg_stat_ssl reports it is not encrypted");
				}
			}
		}
		catch (SQLException ex) {
			NeonTlsException.Failure failure = NeonConnectionFailures.tlsFailure(ex);
			if (failure != null) {
				throw new NeonTlsException(poolName, target, effective, failure, describe(ex), ex);
			}
			if (ex instanceof java.sql.SQLInvalidAuthorizationSpecException) {
				// Refused credentials do not heal with time, unlike a database that is down or resuming.
				throw new IllegalStateException("Could not verify TLS of " + poolName + " (" + target + "): "
						+ ex.getMessage(), ex);
			}
			// Not a TLS problem (the database may be down or resuming): do not fail startup over it here.
			logger.warn("Could not verify TLS of " + poolName + " (" + target + ") at startup: " + ex.getMessage());
			return null;
		}
		TlsStatus status = new TlsStatus(effective, effective.verifiesCertificate(), serverSaysSsl, Instant.now());
		logger.info(poolName + " (" + target + ") is on TLS: sslmode=" + effective.value()
				+ (effective.verifiesCertificate() ? ", certificate verified" : ", certificate NOT verified")
				+ ((serverSaysSsl != null) ? ", pg_stat_ssl.ssl=" + serverSaysSsl : ""));
		return status;
	}

	private static Boolean serverReportsSsl(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
			return rs.next() ? rs.getBoolean(1) : null;
		}
	}

	private static String describe(SQLException ex) {
		Throwable root = ex;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return (root == ex) ? ex.getMessage() : ex.getMessage() + " (" + root.getMessage() + ")";
	}

	/**
	 * What a TLS check found.
	 * @param mode the effective sslmode
	 * @param verified whether the certificate chain (and at verify-full, the host name) was verified
	 * @param serverReportsSsl what {@code pg_stat_ssl} said, or {@code null} if not asked
	 * @param checkedAt when
	 */
	public record TlsStatus(NeonSslMode mode, boolean verified, Boolean serverReportsSsl, Instant checkedAt) {
	}

}
