package dev.neonstarter.jdbc.autoconfigure;

import java.util.List;

import dev.neonstarter.connection.InvalidNeonConnectionStringException;
import dev.neonstarter.connection.NeonConnectionString;
import dev.neonstarter.connection.NeonPoolerEndpointException;
import dev.neonstarter.connection.NeonSslMode;
import dev.neonstarter.connection.UnknownConnectionParameterException;
import dev.neonstarter.pool.NeonEndpoint;
import dev.neonstarter.pool.NeonHikariDataSource;
import dev.neonstarter.pool.NeonPools;
import dev.neonstarter.ssl.NeonTlsPolicy;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * The endpoint pipeline ({@link NeonEndpoints}) from connection details to each pool's endpoint, and the check of
 * what binding changed ({@link NeonEndpoints#checkBound}), without a server and without a started pool.
 */
class NeonEndpointsTests {

	private static final String POOLED = "postgresql://app:app-secret@ep-cool-darkness-123456-pooler.us-east-2.aws"
			+ ".neon.tech/neondb?sslmode=require&channel_binding=require";

	private static final String DIRECT = "postgresql://app:app-secret@ep-cool-darkness-123456.us-east-2.aws"
			+ ".neon.tech/neondb?sslmode=require";

	private static final String REPLICA = "postgresql://ep-quiet-replica-654321.us-east-2.aws.neon.tech/neondb";

	@Test
	void pooledAndDirectEndpointsOfANeonUrl() {
		NeonEndpoints endpoints = endpoints(properties(POOLED));
		NeonEndpoint pooled = endpoints.pooled();
		assertThat(pooled.connection().host()).isEqualTo("ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech");
		assertThat(pooled.target()).isEqualTo("ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech:5432");
		assertThat(pooled.throughPooler()).isTrue();
		assertThat(pooled.connection().parameters()).containsEntry("sslmode", "verify-full")
			.containsEntry("sslfactory", NeonTlsPolicy.JDK_TRUST_STORE_FACTORY)
			.containsEntry("channelBinding", "require")
			.doesNotContainKey("prepareThreshold");
		assertThat(pooled.tls().modeInUrl()).isEqualTo(NeonSslMode.REQUIRE);
		assertThat(pooled.tls().mode()).isEqualTo(NeonSslMode.VERIFY_FULL);
		assertThat(pooled.tls().upgraded()).isTrue();
		assertThat(pooled.tls().connection()).isEqualTo(pooled.connection());
		NeonEndpoint direct = endpoints.direct();
		assertThat(direct.connection().host()).isEqualTo("ep-cool-darkness-123456.us-east-2.aws.neon.tech");
		assertThat(direct.throughPooler()).isFalse();
		assertThat(direct.connection().username()).isEqualTo("app");
		assertThat(direct.connection().password()).isEqualTo("app-secret");
		assertThat(direct.tls().mode()).isEqualTo(NeonSslMode.VERIFY_FULL);
		assertThat(endpoints.replica()).isNull();
	}

	@Test
	void aDirectNeonUrlGivesThePooledEndpointToo() {
		NeonEndpoints endpoints = endpoints(properties(DIRECT));
		assertThat(endpoints.pooled().connection().host())
			.isEqualTo("ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech");
		assertThat(endpoints.pooled().throughPooler()).isTrue();
		assertThat(endpoints.direct().connection().host()).isEqualTo("ep-cool-darkness-123456.us-east-2.aws.neon.tech");
	}

	@Test
	void neonSslSettingsApplyToEveryEndpoint() {
		NeonProperties properties = properties(POOLED);
		properties.getSsl().setMode(NeonSslMode.REQUIRE);
		properties.getReadReplica().setUrl(REPLICA);
		NeonEndpoints endpoints = endpoints(properties);
		assertThat(List.of(endpoints.pooled(), endpoints.direct(), endpoints.replica())).allSatisfy((endpoint) -> {
			assertThat(endpoint.connection().parameter("sslmode")).isEqualTo("require");
			assertThat(endpoint.tls().mode()).isEqualTo(NeonSslMode.REQUIRE);
			assertThat(endpoint.tls().upgraded()).isFalse();
		});
	}

	@Test
	void disabledPreparedStatementsSetPrepareThresholdZeroBehindThePoolerOnly() {
		NeonProperties properties = properties(POOLED);
		properties.getPooled().setPreparedStatements(NeonProperties.PreparedStatements.DISABLED);
		properties.getReadReplica().setUrl(REPLICA);
		NeonEndpoints endpoints = endpoints(properties);
		assertThat(endpoints.pooled().connection().parameter("prepareThreshold")).isEqualTo("0");
		assertThat(endpoints.replica().connection().parameter("prepareThreshold")).isEqualTo("0");
		assertThat(endpoints.direct().connection().parameter("prepareThreshold")).isNull();
	}

	@Test
	void theReadReplicaIsItsPoolerEndpointWithThePrimarysCredentials() {
		NeonProperties properties = properties(POOLED);
		properties.getReadReplica().setUrl(REPLICA);
		NeonEndpoint replica = endpoints(properties).replica();
		assertThat(replica).isNotNull();
		assertThat(replica.connection().host()).isEqualTo("ep-quiet-replica-654321-pooler.us-east-2.aws.neon.tech");
		assertThat(replica.throughPooler()).isTrue();
		assertThat(replica.connection().username()).isEqualTo("app");
		assertThat(replica.connection().password()).isEqualTo("app-secret");
		assertThat(replica.tls().mode()).isEqualTo(NeonSslMode.VERIFY_FULL);
		assertThat(replica.tls().modeInUrl()).isNull();
		assertThat(replica.tls().upgraded()).isTrue();
	}

	@Test
	void aReplicaOfTheConnectionDetailsIsUsedWithTheirTlsRule() {
		NeonProperties properties = properties(POOLED);
		properties.getReadReplica().setUrl(REPLICA);
		properties.getSsl().setMode(NeonSslMode.VERIFY_CA);
		NeonEndpoints endpoints = new NeonEndpoints(details("postgresql://t@localhost:6432/test?sslmode=disable",
				"postgresql://t@localhost:5432/test?sslmode=disable", "postgresql://t@localhost:6433/test", false),
				properties);
		// The details describe their own servers, their replica included: neon.ssl.* does not apply to them, and
		// their replica wins over neon.read-replica.url.
		assertThat(endpoints.pooled().connection().parameter("sslmode")).isEqualTo("disable");
		assertThat(endpoints.direct().connection().parameter("sslmode")).isEqualTo("disable");
		NeonEndpoint replica = endpoints.replica();
		assertThat(replica.connection().port()).isEqualTo(6433);
		assertThat(replica.connection().parameter("sslmode")).isNull();
		// Not a Neon pooler host.
		assertThat(replica.throughPooler()).isFalse();
	}

	@Test
	void neonSslAppliesToAReplicaFromTheProperty() {
		NeonProperties properties = properties(POOLED);
		properties.getReadReplica().setUrl(REPLICA);
		properties.getSsl().setMode(NeonSslMode.VERIFY_CA);
		NeonEndpoints endpoints = new NeonEndpoints(details("postgresql://t@localhost:6432/test?sslmode=disable",
				"postgresql://t@localhost:5432/test?sslmode=disable", null, true), properties);
		NeonEndpoint replica = endpoints.replica();
		assertThat(replica.connection().host()).isEqualTo("ep-quiet-replica-654321-pooler.us-east-2.aws.neon.tech");
		assertThat(replica.connection().parameter("sslmode")).isEqualTo("verify-ca");
		assertThat(replica.connection().username()).isEqualTo("t");
	}

	@Test
	void connectionDetailsOfTheirOwnServerPutTheReplicaOnTheirPooledConnection() {
		// A container, an embedded or a Docker Compose database in a test, while READ_REPLICA_URL names a real
		// replica: the replica's pool must not reach it.
		NeonProperties properties = properties(POOLED);
		properties.getReadReplica().setUrl(REPLICA);
		NeonEndpoints endpoints = new NeonEndpoints(details("postgresql://t@localhost:6432/test?sslmode=disable",
				"postgresql://t@localhost:5432/test?sslmode=disable", null, false), properties);
		NeonEndpoint replica = endpoints.replica();
		assertThat(replica.connection().toJdbcUrl()).isEqualTo(endpoints.pooled().connection().toJdbcUrl());
		assertThat(replica.connection().username()).isEqualTo("t");
		assertThat(replica.tls().mode()).isEqualTo(NeonSslMode.DISABLE);
		// Without neon.read-replica.url there is no replica, as with any connection details.
		assertThat(new NeonEndpoints(details("postgresql://t@localhost:6432/test", "postgresql://t@localhost:5432/test",
				null, false), properties(POOLED)).replica()).isNull();
	}

	@Test
	void connectionDetailsThatDescribeTheirOwnServerKeepTheirTls() {
		NeonProperties properties = new NeonProperties();
		properties.getSsl().setMode(NeonSslMode.VERIFY_FULL);
		NeonEndpoints endpoints = new NeonEndpoints(details("postgresql://t:pw@localhost:6432/test?sslmode=require",
				"postgresql://t:pw@localhost:5432/test", null, false), properties);
		assertThat(endpoints.pooled().connection().parameter("sslmode")).isEqualTo("require");
		assertThat(endpoints.pooled().connection().parameter("sslfactory")).isNull();
		assertThat(endpoints.pooled().tls().mode()).isEqualTo(NeonSslMode.REQUIRE);
		assertThat(endpoints.direct().connection().parameter("sslmode")).isNull();
		assertThat(endpoints.direct().tls().mode()).isNull();
		// The same details, configured by properties, get neon.ssl.mode.
		NeonEndpoints byProperties = new NeonEndpoints(details("postgresql://t:pw@localhost:6432/test?sslmode=require",
				"postgresql://t:pw@localhost:5432/test", null, true), properties);
		assertThat(byProperties.pooled().connection().parameter("sslmode")).isEqualTo("verify-full");
		assertThat(byProperties.direct().connection().parameter("sslmode")).isEqualTo("verify-full");
	}

	@Test
	void neonHostsOfSuchConnectionDetailsAreStillVerified() {
		NeonEndpoints endpoints = new NeonEndpoints(details(POOLED, DIRECT, null, false), new NeonProperties());
		assertThat(endpoints.pooled().tls().mode()).isEqualTo(NeonSslMode.VERIFY_FULL);
		assertThat(endpoints.direct().tls().mode()).isEqualTo(NeonSslMode.VERIFY_FULL);
	}

	@Test
	void anotherServerForThePooledEndpointIsTakenForAPooler() {
		NeonEndpoints separate = new NeonEndpoints(details("postgresql://t@localhost:6432/test",
				"postgresql://t@localhost:5432/test", null, true), new NeonProperties());
		assertThat(separate.pooled().throughPooler()).isTrue();
		assertThat(separate.direct().throughPooler()).isFalse();
		NeonEndpoints same = new NeonEndpoints(details("postgresql://t@LOCALHOST:5432/test",
				"postgresql://t@localhost:5432/test", null, true), new NeonProperties());
		assertThat(same.pooled().throughPooler()).isFalse();
	}

	@Test
	void theDirectEndpointIsNeverThePooler() {
		assertThatExceptionOfType(NeonPoolerEndpointException.class)
			.isThrownBy(() -> new NeonEndpoints(details(POOLED, POOLED, null, true), new NeonProperties()))
			.withMessageStartingWith("The direct connection of MyConnectionDetails points at"
					+ " ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech")
			.withMessageNotContaining("app-secret");
		assertThatExceptionOfType(NeonPoolerEndpointException.class)
			.isThrownBy(() -> NeonEndpoints.requireDirect("spring.flyway.url", NeonConnectionString.parse(POOLED)))
			.satisfies((ex) -> {
				assertThat(ex.getSource()).isEqualTo("spring.flyway.url");
				assertThat(ex.getDirectHost()).isEqualTo("ep-cool-darkness-123456.us-east-2.aws.neon.tech");
			});
		assertThatNoException()
			.isThrownBy(() -> NeonEndpoints.requireDirect("neon.direct-url", NeonConnectionString.parse(DIRECT)));
		assertThatNoException().isThrownBy(
				() -> NeonEndpoints.requireDirect("neon.direct-url", NeonConnectionString.parse("postgresql://h/db")));
	}

	@Test
	void startupParametersThePoolerRejectsAreRefusedOnThePooledUrl() {
		for (String parameter : new String[] { "options=-c%20search_path%3Dapp", "currentSchema=app" }) {
			String name = parameter.substring(0, parameter.indexOf('='));
			assertThatExceptionOfType(InvalidNeonConnectionStringException.class)
				.isThrownBy(() -> endpoints(properties(POOLED + "&" + parameter)))
				.satisfies((ex) -> assertThat(ex.getSource()).isEqualTo("the pooled connection"))
				.withMessageContaining("parameter '" + name + "' would be sent as a startup parameter, which Neon's"
						+ " pooler (PgBouncer) rejects")
				.withMessageNotContaining("app-secret");
			// Another server than the direct one is a pooler too.
			assertThatExceptionOfType(InvalidNeonConnectionStringException.class)
				.isThrownBy(() -> new NeonEndpoints(details("postgresql://t@localhost:6432/test?" + parameter,
						"postgresql://t@localhost:5432/test", null, true), new NeonProperties()));
			// The direct endpoint takes them: that is where they belong.
			NeonProperties direct = properties(POOLED);
			direct.setDirectUrl(DIRECT + "&" + parameter);
			assertThat(endpoints(direct).direct().connection().parameters()).containsKey(name);
			// So does a pooled endpoint that is the direct server (no pooler).
			assertThat(new NeonEndpoints(details("postgresql://t@localhost:5432/test?" + parameter,
					"postgresql://t@localhost:5432/test", null, true), new NeonProperties())
				.pooled()
				.connection()
				.parameters()).containsKey(name);
		}
	}

	@Test
	void startupParametersThePoolerRejectsAreRefusedOnTheReplicasPoolerUrl() {
		NeonProperties properties = properties(POOLED);
		properties.getReadReplica().setUrl(REPLICA + "?currentSchema=app");
		assertThatExceptionOfType(InvalidNeonConnectionStringException.class)
			.isThrownBy(() -> endpoints(properties))
			.satisfies((ex) -> assertThat(ex.getSource()).isEqualTo(NeonProperties.READ_REPLICA_URL))
			.withMessageContaining("'currentSchema'");
	}

	@Test
	void checkPoolerParametersAcceptsWhatThePoolerAccepts() {
		assertThatNoException().isThrownBy(() -> NeonEndpoints.checkPoolerParameters(
				List.of("sslmode", "ApplicationName", "prepareThreshold", "channelBinding"), "x"));
		assertThatExceptionOfType(InvalidNeonConnectionStringException.class)
			.isThrownBy(() -> NeonEndpoints.checkPoolerParameters(List.of("sslmode", "options"), "somewhere"))
			.satisfies((ex) -> assertThat(ex.getSource()).isEqualTo("somewhere"));
	}

	@Test
	void secondEndpointsWithoutAUserTakeThePrimarysCredentials() {
		NeonConnectionString primary = NeonConnectionString.parse(POOLED);
		NeonConnectionString anonymous = NeonConnectionString.parse(REPLICA);
		NeonConnectionString own = NeonConnectionString.parse("postgresql://reader:reader-secret@h/db");
		NeonProperties properties = new NeonProperties();
		NeonConnectionString defaulted = NeonEndpoints.withDefaultCredentials(anonymous, primary, properties);
		assertThat(defaulted.username()).isEqualTo("app");
		assertThat(defaulted.password()).isEqualTo("app-secret");
		assertThat(defaulted.host()).isEqualTo(anonymous.host());
		NeonConnectionString kept = NeonEndpoints.withDefaultCredentials(own, primary, properties);
		assertThat(kept.username()).isEqualTo("reader");
		assertThat(kept.password()).isEqualTo("reader-secret");
		// neon.username / neon.password override both, as they do for the primary; blank ones do not.
		properties.setUsername("other");
		properties.setPassword(" ");
		assertThat(NeonEndpoints.withDefaultCredentials(own, primary, properties).username()).isEqualTo("other");
		assertThat(NeonEndpoints.withDefaultCredentials(own, primary, properties).password()).isEqualTo("reader-secret");
		assertThat(NeonEndpoints.withDefaultCredentials(anonymous, primary, properties).username()).isEqualTo("other");
		assertThat(NeonEndpoints.withDefaultCredentials(anonymous, primary, properties).password())
			.isEqualTo("app-secret");
	}

	@Test
	void theDirectAndReplicaEndpointsDefaultTheirCredentialsThroughThePipeline() {
		NeonProperties properties = properties(POOLED);
		properties.setDirectUrl("postgresql://ep-cool-darkness-123456.us-east-2.aws.neon.tech/neondb");
		properties.getReadReplica().setUrl(REPLICA);
		NeonEndpoints endpoints = endpoints(properties);
		assertThat(endpoints.direct().connection().username()).isEqualTo("app");
		assertThat(endpoints.replica().connection().username()).isEqualTo("app");
		properties.setUsername("owner");
		properties.setPassword("owner-secret");
		NeonEndpoints overridden = endpoints(properties);
		assertThat(List.of(overridden.pooled(), overridden.direct(), overridden.replica())).allSatisfy((endpoint) -> {
			assertThat(endpoint.connection().username()).isEqualTo("owner");
			assertThat(endpoint.connection().password()).isEqualTo("owner-secret");
		});
	}

	@Test
	void readReplicaIsOnlyThereWhenItsUrlHasText() {
		NeonConnectionString primary = NeonConnectionString.parse(POOLED);
		NeonProperties properties = new NeonProperties();
		assertThat(NeonEndpoints.readReplica(properties, primary)).isNull();
		properties.getReadReplica().setUrl("  ");
		assertThat(NeonEndpoints.readReplica(properties, primary)).isNull();
		properties.getReadReplica().setUrl("postgresql://app:hunter2@ep-x.aws.neon.tech:port/db");
		assertThatExceptionOfType(InvalidNeonConnectionStringException.class)
			.isThrownBy(() -> NeonEndpoints.readReplica(properties, primary))
			.satisfies((ex) -> assertThat(ex.getSource()).isEqualTo(NeonProperties.READ_REPLICA_URL))
			.withMessageNotContaining("hunter2");
	}

	@Test
	void aBoundJdbcUrlOnThePoolerIsRefusedForTheDirectPool() {
		try (NeonHikariDataSource direct = NeonPools.direct(endpoints(properties(POOLED)).direct())) {
			direct.setJdbcUrl("jdbc:postgresql://ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech/neondb");
			assertThatExceptionOfType(NeonPoolerEndpointException.class)
				.isThrownBy(() -> NeonEndpoints.checkBound(direct, "neon.direct.hikari", true))
				.satisfies((ex) -> assertThat(ex.getSource()).isEqualTo("neon.direct.hikari.jdbc-url"));
			assertThat(direct.getHikariPoolMXBean()).isNull();
		}
	}

	@Test
	void aBoundJdbcUrlIsWhatTheEndpointSaysAfterwards() {
		try (NeonHikariDataSource pooled = NeonPools.pooled(endpoints(properties(POOLED)).pooled())) {
			NeonEndpoint before = pooled.endpoint();
			pooled.setJdbcUrl("jdbc:postgresql://ep-other-654321-pooler.us-east-2.aws.neon.tech:6543/other");
			// The pooled pool may be on a pooler.
			NeonEndpoints.checkBound(pooled, "neon.pooled.hikari", false);
			NeonEndpoint after = pooled.endpoint();
			assertThat(after.target()).isEqualTo("ep-other-654321-pooler.us-east-2.aws.neon.tech:6543");
			assertThat(after.connection().database()).isEqualTo("other");
			assertThat(after.throughPooler()).isEqualTo(before.throughPooler());
			assertThat(after.tls().connection()).isEqualTo(after.connection());
			assertThat(after.tls().mode()).isEqualTo(NeonSslMode.VERIFY_FULL);
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "SET search_path TO app", "set role admin", "SET SESSION statement_timeout = '5s'",
			"SELECT 1; /* schema */ SET search_path = app", "-- the schema\nSET search_path TO app", "RESET ALL",
			"DISCARD ALL", "SET TIME ZONE 'UTC'", "SELECT set_config('search_path', 'app', false)",
			"select pg_catalog.set_config('role', 'admin', 'f')",
			"SELECT set_config('search_path', 'a, (b)', FALSE::boolean)" })
	void sessionSettingsInTheInitSqlAreRefusedThroughThePooler(String initSql) {
		try (NeonHikariDataSource pooled = NeonPools.pooled(endpoints(properties(POOLED)).pooled())) {
			pooled.setConnectionInitSql(initSql);
			assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
				.isThrownBy(() -> NeonEndpoints.checkBound(pooled, "neon.pooled.hikari", false))
				.satisfies((ex) -> assertThat(ex.getName()).isEqualTo("neon.pooled.hikari.connection-init-sql"))
				.withMessageContaining("changes the session")
				.withMessageContaining("ALTER ROLE");
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "SELECT 1", "SET LOCAL search_path TO app", "set transaction read only",
			"SET CONSTRAINTS ALL DEFERRED", "SELECT 'SET search_path'", "",
			"SELECT set_config('search_path', 'app', true)", "SELECT current_setting('search_path')" })
	void initSqlThatLastsATransactionOrSetsNothingIsAccepted(String initSql) {
		try (NeonHikariDataSource pooled = NeonPools.pooled(endpoints(properties(POOLED)).pooled())) {
			pooled.setConnectionInitSql(initSql);
			assertThatNoException().isThrownBy(() -> NeonEndpoints.checkBound(pooled, "neon.pooled.hikari", false));
		}
	}

	@Test
	void theDirectPoolMayChangeItsSessions() {
		try (NeonHikariDataSource direct = NeonPools.direct(endpoints(properties(POOLED)).direct())) {
			direct.setConnectionInitSql("SET search_path TO app");
			assertThatNoException().isThrownBy(() -> NeonEndpoints.checkBound(direct, "neon.direct.hikari", true));
		}
	}

	@Test
	void aBoundStartupParameterThePoolerRejectsIsRefused() {
		try (NeonHikariDataSource pooled = NeonPools.pooled(endpoints(properties(POOLED)).pooled())) {
			pooled.addDataSourceProperty("options", "-c search_path=app");
			assertThatExceptionOfType(InvalidNeonConnectionStringException.class)
				.isThrownBy(() -> NeonEndpoints.checkBound(pooled, "neon.pooled.hikari", false))
				.satisfies((ex) -> assertThat(ex.getSource()).isEqualTo("neon.pooled.hikari.data-source-properties"))
				.withMessageContaining("'options'");
		}
		// The direct pool is not behind the pooler: it may have them.
		try (NeonHikariDataSource direct = NeonPools.direct(endpoints(properties(POOLED)).direct())) {
			direct.addDataSourceProperty("currentSchema", "app");
			assertThatNoException().isThrownBy(() -> NeonEndpoints.checkBound(direct, "neon.direct.hikari", true));
		}
	}

	@Test
	void theClientKeysPassphraseStaysOutOfHikariCpsConfiguration() {
		// HikariCP's configuration log (DEBUG) shows the driver properties with only "password" masked.
		try (NeonHikariDataSource pooled = NeonPools.pooled(endpoints(properties(POOLED + "&sslpassword=k3y-phrase"))
			.pooled())) {
			assertThat(pooled.getDataSourceProperties()).doesNotContainKey("sslpassword");
			pooled.addDataSourceProperty("sslpassword", "b0und-phrase");
			NeonEndpoints.checkBound(pooled, "neon.pooled.hikari", false);
			assertThat(pooled.getDataSourceProperties()).doesNotContainKey("sslpassword");
			assertThat(pooled.toString()).doesNotContain("phrase");
		}
	}

	@Test
	void aBoundSslmodeBelowANeonHostsIsRefused() {
		try (NeonHikariDataSource pooled = NeonPools.pooled(endpoints(properties(POOLED)).pooled())) {
			pooled.addDataSourceProperty("sslmode", "require");
			assertThatExceptionOfType(InvalidNeonConnectionStringException.class)
				.isThrownBy(() -> NeonEndpoints.checkBound(pooled, "neon.pooled.hikari", false))
				.withMessageContaining("set neon.ssl.mode=require to ask for it");
		}
	}

	@Test
	void aBoundJdbcUrlTheStarterCannotReadFailsInsteadOfSkippingItsChecks() {
		// pgjdbc would connect with the URL's sslmode=disable (and ignore the lower-cased name), while the starter,
		// which left the URL unchecked, would report verify-full.
		try (NeonHikariDataSource pooled = NeonPools.pooled(endpoints(properties(POOLED)).pooled())) {
			pooled.setJdbcUrl("jdbc:postgresql://ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech/neondb"
					+ "?sslmode=disable&sockettimeout=30");
			assertThatExceptionOfType(UnknownConnectionParameterException.class)
				.isThrownBy(() -> NeonEndpoints.checkBound(pooled, "neon.pooled.hikari", false))
				.satisfies((ex) -> {
					assertThat(ex.getSource()).isEqualTo("neon.pooled.hikari.jdbc-url");
					assertThat(ex.getParameter()).isEqualTo("sockettimeout");
					assertThat(ex.getSuggestion()).isEqualTo("pgjdbc spells it 'socketTimeout'");
				});
			assertThat(pooled.endpoint().tls().mode()).isEqualTo(NeonSslMode.VERIFY_FULL);
		}
	}

	@Test
	void aBoundSslmodeUpdatesTheEndpointsTlsDecision() {
		try (NeonHikariDataSource pooled = NeonPools
			.pooled(endpoints(properties("postgresql://app:app-secret@db.example.com:6432/app?sslmode=verify-full"))
				.pooled())) {
			NeonEndpoint before = pooled.endpoint();
			pooled.addDataSourceProperty("sslmode", "require");
			NeonEndpoints.checkBound(pooled, "neon.pooled.hikari", false);
			NeonEndpoint after = pooled.endpoint();
			assertThat(after).isNotSameAs(before);
			assertThat(after.tls().mode()).isEqualTo(NeonSslMode.REQUIRE);
			assertThat(after.tls().modeInUrl()).isEqualTo(before.tls().modeInUrl());
			assertThat(after.tls().upgraded()).isEqualTo(before.tls().upgraded());
			assertThat(after.connection()).isEqualTo(before.connection());
			assertThat(after.throughPooler()).isEqualTo(before.throughPooler());
		}
	}

	@Test
	void anUnchangedPoolKeepsItsEndpoint() {
		try (NeonHikariDataSource pooled = NeonPools.pooled(endpoints(properties(POOLED)).pooled())) {
			NeonEndpoint before = pooled.endpoint();
			pooled.setMaximumPoolSize(3);
			pooled.addDataSourceProperty("socketTimeout", "30");
			NeonEndpoints.checkBound(pooled, "neon.pooled.hikari", false);
			assertThat(pooled.endpoint()).isSameAs(before);
		}
	}

	private static NeonProperties properties(String url) {
		NeonProperties properties = new NeonProperties();
		properties.setUrl(url);
		return properties;
	}

	private static NeonEndpoints endpoints(NeonProperties properties) {
		return new NeonEndpoints(new PropertiesNeonConnectionDetails(properties, new MockEnvironment()), properties);
	}

	private static NeonConnectionDetails details(String pooled, String direct, @Nullable String replica,
			boolean sslByProperties) {
		return new NeonConnectionDetails() {

			@Override
			public NeonConnectionString getPooled() {
				return NeonConnectionString.parse(pooled);
			}

			@Override
			public NeonConnectionString getDirect() {
				return NeonConnectionString.parse(direct);
			}

			@Override
			public @Nullable NeonConnectionString getReadReplica() {
				return (replica != null) ? NeonConnectionString.parse(replica) : null;
			}

			@Override
			public boolean isSslConfiguredByProperties() {
				return sslByProperties;
			}

			@Override
			public String toString() {
				return "MyConnectionDetails";
			}

		};
	}

}
