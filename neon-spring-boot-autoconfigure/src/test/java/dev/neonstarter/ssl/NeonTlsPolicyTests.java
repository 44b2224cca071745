package dev.neonstarter.ssl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import dev.neonstarter.connection.InvalidNeonConnectionStringException;
import dev.neonstarter.connection.NeonConnectionString;
import dev.neonstarter.connection.NeonSslMode;
import dev.neonstarter.connection.NeonTlsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The TLS parameters {@link NeonTlsPolicy} gives pgjdbc, without a server ({@code NeonTlsIntegrationTests}
 * connects with them).
 */
class NeonTlsPolicyTests {

	private static final String NEON = "postgresql://app:Tr0ub4dor@ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech/neondb";

	private static final String LOCAL = "postgresql://app:Tr0ub4dor@db.example.com:5433/app";

	@Test
	void neonHostsGetVerifyFullAgainstTheJdkTrustStore() {
		NeonTlsPolicy.Decision decision = apply(NEON + "?sslmode=require&channel_binding=require", null, null);
		assertThat(decision.connection().parameter("sslmode")).isEqualTo("verify-full");
		assertThat(decision.connection().parameter("sslfactory")).isEqualTo(NeonTlsPolicy.JDK_TRUST_STORE_FACTORY)
			.isEqualTo("org.postgresql.ssl.DefaultJavaSSLFactory");
		assertThat(decision.connection().parameter("sslrootcert")).isNull();
		assertThat(decision.connection().parameter("channelBinding")).isEqualTo("require");
		assertThat(decision.modeInUrl()).isEqualTo(NeonSslMode.REQUIRE);
		assertThat(decision.mode()).isEqualTo(NeonSslMode.VERIFY_FULL);
		assertThat(decision.upgraded()).isTrue();
		// Only the TLS parameters change.
		assertThat(decision.connection().host()).isEqualTo("ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech");
		assertThat(decision.connection().password()).isEqualTo("Tr0ub4dor");
	}

	@Test
	void libpqsSystemRootsAreTheJdkTrustStoreAtVerifyFull() {
		// Neon's docs give psql this form; pgjdbc would look for a file named "system".
		NeonTlsPolicy.Decision neon = apply(NEON + "?sslrootcert=system", null, null);
		assertThat(neon.connection().parameter("sslrootcert")).isNull();
		assertThat(neon.connection().parameter("sslfactory")).isEqualTo(NeonTlsPolicy.JDK_TRUST_STORE_FACTORY);
		assertThat(neon.mode()).isEqualTo(NeonSslMode.VERIFY_FULL);
		// Another host too: libpq makes it verify-full, where pgjdbc's default (prefer) would verify nothing.
		NeonTlsPolicy.Decision local = apply(LOCAL + "?sslrootcert=system", null, null);
		assertThat(local.mode()).isEqualTo(NeonSslMode.VERIFY_FULL);
		assertThat(local.connection().parameter("sslmode")).isEqualTo("verify-full");
		assertThat(local.connection().parameter("sslrootcert")).isNull();
		assertThat(local.connection().parameter("sslfactory")).isEqualTo(NeonTlsPolicy.JDK_TRUST_STORE_FACTORY);
		// A weaker mode with it is refused, as libpq refuses it.
		assertThatExceptionOfType(InvalidNeonConnectionStringException.class)
			.isThrownBy(() -> apply(LOCAL + "?sslrootcert=system&sslmode=require", null, null))
			.withMessageContaining("sslrootcert=system needs sslmode=verify-full, not sslmode=require")
			.withMessageNotContaining("Tr0ub4dor");
		assertThatExceptionOfType(InvalidNeonConnectionStringException.class)
			.isThrownBy(() -> apply(NEON + "?sslrootcert=system", NeonSslMode.VERIFY_CA, null));
	}

	@Test
	void pgjdbcsNonValidatingFactoryIsDroppedWhereTheModeVerifies() {
		// A Heroku-era JDBC habit: with it, verify-full would check the host name against any certificate.
		String nonValidating = "sslfactory=org.postgresql.ssl.NonValidatingFactory";
		NeonTlsPolicy.Decision neon = apply(NEON + "?sslmode=require&" + nonValidating, null, null);
		assertThat(neon.mode()).isEqualTo(NeonSslMode.VERIFY_FULL);
		assertThat(neon.connection().parameter("sslfactory")).isEqualTo(NeonTlsPolicy.JDK_TRUST_STORE_FACTORY);
		NeonTlsPolicy.Decision local = apply(LOCAL + "?sslmode=verify-ca&" + nonValidating, null, null);
		assertThat(local.connection().parameter("sslfactory")).isEqualTo(NeonTlsPolicy.JDK_TRUST_STORE_FACTORY);
		// Where the mode does not verify, it stays what the URL says.
		NeonTlsPolicy.Decision require = apply(LOCAL + "?sslmode=require&" + nonValidating, null, null);
		assertThat(require.connection().parameter("sslfactory")).isEqualTo("org.postgresql.ssl.NonValidatingFactory");
	}

	@Test
	void aNeonUrlWithoutSslmodeIsUpgradedFromNothing() {
		NeonTlsPolicy.Decision decision = apply(NEON, null, null);
		assertThat(decision.modeInUrl()).isNull();
		assertThat(decision.mode()).isEqualTo(NeonSslMode.VERIFY_FULL);
		assertThat(decision.upgraded()).isTrue();
		assertThat(decision.connection().parameter("sslfactory")).isEqualTo(NeonTlsPolicy.JDK_TRUST_STORE_FACTORY);
	}

	@Test
	void aNeonUrlAtVerifyFullAlreadyIsNotUpgraded() {
		NeonTlsPolicy.Decision decision = apply(NEON + "?sslmode=verify-full", null, null);
		assertThat(decision.modeInUrl()).isEqualTo(NeonSslMode.VERIFY_FULL);
		assertThat(decision.mode()).isEqualTo(NeonSslMode.VERIFY_FULL);
		assertThat(decision.upgraded()).isFalse();
	}

	@Test
	void aNeonUrlsOwnRootCertificateIsKept() {
		NeonTlsPolicy.Decision decision = apply(NEON + "?sslmode=verify-full&sslrootcert=/etc/neon-root.pem", null,
				null);
		assertThat(decision.connection().parameter("sslrootcert")).isEqualTo("/etc/neon-root.pem");
		assertThat(decision.connection().parameter("sslfactory")).isNull();
	}

	@Test
	void otherHostsKeepTheUrlsSslmode() {
		NeonTlsPolicy.Decision decision = apply(LOCAL + "?sslmode=require", null, null);
		assertThat(decision.connection().parameter("sslmode")).isEqualTo("require");
		// require does not verify: no factory is needed.
		assertThat(decision.connection().parameter("sslfactory")).isNull();
		assertThat(decision.modeInUrl()).isEqualTo(NeonSslMode.REQUIRE);
		assertThat(decision.mode()).isEqualTo(NeonSslMode.REQUIRE);
		assertThat(decision.upgraded()).isFalse();
		NeonTlsPolicy.Decision verifying = apply(LOCAL + "?sslmode=verify-ca", null, null);
		assertThat(verifying.connection().parameter("sslmode")).isEqualTo("verify-ca");
		assertThat(verifying.connection().parameter("sslfactory")).isEqualTo(NeonTlsPolicy.JDK_TRUST_STORE_FACTORY);
		assertThat(verifying.upgraded()).isFalse();
	}

	@Test
	void otherHostsWithoutSslmodeAreLeftToPgjdbc() {
		NeonConnectionString connection = NeonConnectionString.parse(LOCAL);
		NeonTlsPolicy.Decision decision = NeonTlsPolicy.apply(connection, null, null);
		assertThat(decision.connection()).isEqualTo(connection);
		assertThat(decision.modeInUrl()).isNull();
		assertThat(decision.mode()).isNull();
		assertThat(decision.upgraded()).isFalse();
	}

	@Test
	void neonSslModeWins() {
		NeonTlsPolicy.Decision neon = apply(NEON + "?sslmode=verify-full", NeonSslMode.REQUIRE, null);
		assertThat(neon.connection().parameter("sslmode")).isEqualTo("require");
		assertThat(neon.connection().parameter("sslfactory")).isNull();
		assertThat(neon.modeInUrl()).isEqualTo(NeonSslMode.VERIFY_FULL);
		assertThat(neon.mode()).isEqualTo(NeonSslMode.REQUIRE);
		assertThat(neon.upgraded()).isFalse();
		NeonTlsPolicy.Decision local = apply(LOCAL + "?sslmode=disable", NeonSslMode.VERIFY_FULL, null);
		assertThat(local.connection().parameter("sslmode")).isEqualTo("verify-full");
		assertThat(local.connection().parameter("sslfactory")).isEqualTo(NeonTlsPolicy.JDK_TRUST_STORE_FACTORY);
		assertThat(local.modeInUrl()).isEqualTo(NeonSslMode.DISABLE);
		assertThat(local.mode()).isEqualTo(NeonSslMode.VERIFY_FULL);
		// Raised by the user's setting, not by the policy.
		assertThat(local.upgraded()).isFalse();
		assertThat(apply(NEON, NeonSslMode.DISABLE, null).connection().parameter("sslmode")).isEqualTo("disable");
	}

	@Test
	void aRootCertificateSetsSslrootcertAndClearsTheFactory(@TempDir Path directory) throws IOException {
		Path root = Files.writeString(directory.resolve("root.pem"), "-----BEGIN CERTIFICATE-----\n");
		NeonTlsPolicy.Decision decision = apply(LOCAL + "?sslmode=verify-full&sslfactory=com.example.Factory&"
				+ "sslrootcert=/etc/other.pem", null, root);
		assertThat(decision.connection().parameter("sslrootcert")).isEqualTo(root.toString());
		assertThat(decision.connection().parameter("sslfactory")).isNull();
		NeonTlsPolicy.Decision neon = apply(NEON, null, root);
		assertThat(neon.connection().parameter("sslrootcert")).isEqualTo(root.toString());
		assertThat(neon.connection().parameter("sslfactory")).isNull();
		assertThat(neon.upgraded()).isTrue();
	}

	@Test
	void aRootCertificateIsNotUsedByModesThatDoNotVerify(@TempDir Path directory) throws IOException {
		Path root = Files.writeString(directory.resolve("root.pem"), "-----BEGIN CERTIFICATE-----\n");
		NeonTlsPolicy.Decision decision = apply(NEON, NeonSslMode.REQUIRE, root);
		assertThat(decision.connection().parameter("sslrootcert")).isNull();
		// Nor checked: an unreadable one does not matter either.
		assertThat(apply(NEON, NeonSslMode.REQUIRE, directory.resolve("missing.pem")).mode())
			.isEqualTo(NeonSslMode.REQUIRE);
	}

	@Test
	void anUnreadableRootCertificateIsRefused(@TempDir Path directory) {
		Path missing = directory.resolve("missing.pem");
		assertThatExceptionOfType(NeonTlsException.class).isThrownBy(() -> apply(NEON, null, missing))
			.satisfies((ex) -> {
				assertThat(ex.getFailure()).isEqualTo(NeonTlsException.Failure.ROOT_CERT_UNREADABLE);
				assertThat(ex.getPoolName()).isNull();
				assertThat(ex.getTarget()).isEqualTo("ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech:5432");
				assertThat(ex.getMode()).isEqualTo(NeonSslMode.VERIFY_FULL);
			})
			.withMessageContaining("neon.ssl.root-cert " + missing + " does not exist or cannot be read")
			.withMessageNotContaining("Tr0ub4dor");
		assertThatExceptionOfType(NeonTlsException.class)
			.isThrownBy(() -> apply(LOCAL, NeonSslMode.VERIFY_CA, missing))
			.satisfies((ex) -> assertThat(ex.getMode()).isEqualTo(NeonSslMode.VERIFY_CA));
	}

	@Test
	void settingsBoundAfterTheDecisionAreHeldToItForANeonHost() {
		NeonTlsPolicy.Decision decided = apply(NEON, null, null);
		String source = "neon.pooled.hikari";
		// A bound jdbc-url's sslmode wins over the driver properties in pgjdbc: it is the mode in use.
		NeonConnectionString weaker = NeonConnectionString.parse(
				"jdbc:postgresql://ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech/neondb?sslmode=require");
		assertThatExceptionOfType(InvalidNeonConnectionStringException.class)
			.isThrownBy(() -> NeonTlsPolicy.bound(decided, weaker, properties(decided), source))
			.withMessageContaining("sslmode=require for the Neon host ep-cool-darkness-123456-pooler")
			.withMessageContaining("set neon.ssl.mode=require to ask for it")
			.withMessageNotContaining("Tr0ub4dor");
		Properties hostnameVerifier = properties(decided);
		hostnameVerifier.setProperty("sslhostnameverifier", "org.example.AnyHost");
		assertThatExceptionOfType(InvalidNeonConnectionStringException.class)
			.isThrownBy(() -> NeonTlsPolicy.bound(decided, null, hostnameVerifier, source))
			.withMessageContaining("sslhostnameverifier replaces pgjdbc's check of the host name");
		NeonConnectionString nonValidatingUrl = NeonConnectionString.parse("jdbc:postgresql://ep-cool-darkness-123456-pooler"
				+ ".us-east-2.aws.neon.tech/neondb?sslfactory=org.postgresql.ssl.NonValidatingFactory");
		assertThatExceptionOfType(InvalidNeonConnectionStringException.class)
			.isThrownBy(() -> NeonTlsPolicy.bound(decided, nonValidatingUrl, properties(decided), source))
			.withMessageContaining("trusts any certificate");
	}

	@Test
	void aNonValidatingFactoryBoundAsADriverPropertyIsReplacedByTheDecidedOne() {
		NeonTlsPolicy.Decision decided = apply(NEON, null, null);
		Properties properties = properties(decided);
		properties.setProperty("sslfactory", "org.postgresql.ssl.NonValidatingFactory");
		assertThat(NeonTlsPolicy.bound(decided, null, properties, "neon.pooled.hikari")).isSameAs(decided);
		assertThat(properties.getProperty("sslfactory")).isEqualTo(NeonTlsPolicy.JDK_TRUST_STORE_FACTORY);
		assertThat(properties.getProperty("sslmode")).isEqualTo("verify-full");
	}

	@Test
	void anotherHostsBoundModeIsTheOneReported() {
		NeonTlsPolicy.Decision decided = apply(LOCAL + "?sslmode=verify-full", null, null);
		NeonConnectionString bound = NeonConnectionString.parse("jdbc:postgresql://db.example.com:5433/app?sslmode=require");
		NeonTlsPolicy.Decision decision = NeonTlsPolicy.bound(decided, bound, properties(decided), "neon.pooled.hikari");
		assertThat(decision.mode()).isEqualTo(NeonSslMode.REQUIRE);
		assertThat(decision.connection()).isSameAs(bound);
	}

	private static Properties properties(NeonTlsPolicy.Decision decision) {
		return decision.connection().toDriverProperties();
	}

	private static NeonTlsPolicy.Decision apply(String url, NeonSslMode mode, Path rootCert) {
		return NeonTlsPolicy.apply(NeonConnectionString.parse(url), mode, rootCert);
	}

}
