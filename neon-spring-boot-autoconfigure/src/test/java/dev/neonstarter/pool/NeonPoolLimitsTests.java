package dev.neonstarter.pool;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

import dev.neonstarter.connection.NeonConnectionString;
import dev.neonstarter.ssl.NeonTlsPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * The pool size rules of {@link NeonPoolLimits} that need no server: Neon's pooler limit, the smallest and the
 * largest Neon compute, and an unreachable server. The limit a real server reports is checked in
 * {@code NeonStartupFailuresIntegrationTests}. No pool here is started unless a test says so.
 */
@ExtendWith(OutputCaptureExtension.class)
class NeonPoolLimitsTests {

	private static final NeonConnectionString POOLED = NeonConnectionString
		.parse("postgresql://app:Tr0ub4dor@ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech/neondb");

	private static final NeonConnectionString DIRECT = POOLED.toDirect();

	@Test
	void aPoolOnNeonsPoolerMayHaveAsManyConnectionsAsThePoolerAcceptsFromAllClients() {
		try (NeonHikariDataSource pool = NeonPools.pooled(endpoint(POOLED))) {
			pool.setMaximumPoolSize(10_000);
			assertThatNoException()
				.isThrownBy(() -> NeonPoolLimits.checkPooled(pool, POOLED, "neon.pooled.hikari.maximum-pool-size"));
			pool.setMaximumPoolSize(10_001);
			assertThatExceptionOfType(NeonPoolSizeException.class)
				.isThrownBy(() -> NeonPoolLimits.checkPooled(pool, POOLED, "neon.pooled.hikari.maximum-pool-size"))
				.satisfies((ex) -> {
					assertThat(ex.getPoolName()).isEqualTo("neon-pooled");
					assertThat(ex.getProperty()).isEqualTo("neon.pooled.hikari.maximum-pool-size");
					assertThat(ex.getConfigured()).isEqualTo(10_001);
					assertThat(ex.getLimit()).isEqualTo(10_000);
					assertThat(ex.getLimitReason())
						.isEqualTo("Neon's pooler accepts from all clients together (max_client_conn)");
				})
				.withMessage("neon.pooled.hikari.maximum-pool-size is 10001, above the 10000 connections Neon's pooler"
						+ " accepts from all clients together (max_client_conn)");
			assertThat(pool.getHikariPoolMXBean()).isNull();
		}
	}

	@Test
	void theReplicasPoolIsCheckedAgainstThePoolerUnderItsOwnProperty() {
		NeonConnectionString replica = NeonConnectionString
			.parse("postgresql://app@ep-quiet-replica-654321-pooler.us-east-2.aws.neon.tech/neondb");
		try (NeonHikariDataSource pool = NeonPools.replica(endpoint(replica))) {
			pool.setMaximumPoolSize(20_000);
			assertThatExceptionOfType(NeonPoolSizeException.class)
				.isThrownBy(() -> NeonPoolLimits.checkPooled(pool, replica, "neon.read-replica.hikari.maximum-pool-size"))
				.satisfies((ex) -> {
					assertThat(ex.getPoolName()).isEqualTo("neon-replica");
					assertThat(ex.getProperty()).isEqualTo("neon.read-replica.hikari.maximum-pool-size");
				});
		}
	}

	@Test
	void aPoolOnAnotherPoolerIsNotHeldToNeonsPoolerLimit() {
		NeonConnectionString local = NeonConnectionString.parse("postgresql://app@localhost:6432/app");
		try (NeonHikariDataSource pool = NeonPools.pooled(endpoint(local))) {
			pool.setMaximumPoolSize(20_000);
			assertThatNoException()
				.isThrownBy(() -> NeonPoolLimits.checkPooled(pool, local, "neon.pooled.hikari.maximum-pool-size"));
		}
	}

	@Test
	void aDirectPoolThatFitsTheSmallestNeonComputeIsNotChecked(CapturedOutput output) {
		// 104 connections at 0.25 CU, 7 of them reserved: 97 fit, without asking the server.
		NeonConnectionString unreachable = closedLocalPort();
		try (NeonHikariDataSource pool = NeonPools.direct(endpoint(unreachable))) {
			pool.setMaximumPoolSize(97);
			NeonPoolLimits.checkDirect(pool, unreachable);
			assertThat(pool.getHikariPoolMXBean()).isNull();
		}
		assertThat(output).doesNotContain("Could not check");
	}

	@Test
	void aDirectPoolAboveTheLargestNeonComputeIsRefusedWithoutConnecting() {
		try (NeonHikariDataSource pool = NeonPools.direct(endpoint(DIRECT))) {
			pool.setMaximumPoolSize(3994);
			assertThatExceptionOfType(NeonPoolSizeException.class)
				.isThrownBy(() -> NeonPoolLimits.checkDirect(pool, DIRECT))
				.satisfies((ex) -> {
					assertThat(ex.getPoolName()).isEqualTo("neon-direct");
					assertThat(ex.getProperty()).isEqualTo("neon.direct.hikari.maximum-pool-size");
					assertThat(ex.getConfigured()).isEqualTo(3994);
					assertThat(ex.getLimit()).isEqualTo(3993);
					assertThat(ex.getLimitReason())
						.isEqualTo("the largest Neon compute allows (max_connections 4000 minus 7 reserved)");
				})
				.withMessageNotContaining("Tr0ub4dor");
			assertThat(pool.getHikariPoolMXBean()).isNull();
		}
	}

	@Test
	void theLargestComputeLimitIsOnlyForNeonHosts(CapturedOutput output) {
		// Another server may allow more: only the server itself can say (asked in the integration tests), and
		// this one cannot be reached.
		NeonConnectionString other = closedLocalPort();
		try (NeonHikariDataSource pool = NeonPools.direct(endpoint(other))) {
			pool.setMaximumPoolSize(5000);
			assertThatNoException().isThrownBy(() -> NeonPoolLimits.checkDirect(pool, other));
		}
		assertThat(output).contains("Could not check neon-direct's maximum-pool-size 5000");
	}

	@Test
	void anUnreachableServerIsNoReasonToFailTheCheck(CapturedOutput output) {
		NeonConnectionString unreachable = closedLocalPort();
		try (NeonHikariDataSource pool = NeonPools.direct(endpoint(unreachable))) {
			pool.setMaximumPoolSize(98);
			assertThatNoException().isThrownBy(() -> NeonPoolLimits.checkDirect(pool, unreachable));
		}
		assertThat(output).contains("Could not check neon-direct's maximum-pool-size 98 against the server's"
				+ " max_connections at startup");
	}

	private static NeonEndpoint endpoint(NeonConnectionString connection) {
		NeonTlsPolicy.Decision tls = NeonTlsPolicy.apply(connection, null, null);
		return new NeonEndpoint(tls.connection(), tls, connection.isPooledEndpoint());
	}

	/** A connection string to a loopback port nobody listens on: connecting is refused at once. */
	private static NeonConnectionString closedLocalPort() {
		int port;
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			port = socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		return NeonConnectionString.parse("postgresql://app:Tr0ub4dor@127.0.0.1:" + port + "/app?sslmode=disable");
	}

}
