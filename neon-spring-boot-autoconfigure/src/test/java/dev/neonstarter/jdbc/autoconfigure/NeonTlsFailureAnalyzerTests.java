package dev.neonstarter.jdbc.autoconfigure;

import dev.neonstarter.connection.NeonSslMode;
import dev.neonstarter.connection.NeonTlsException;
import dev.neonstarter.connection.NeonTlsException.Failure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.diagnostics.FailureAnalysis;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@link NeonTlsFailureAnalyzer} tells for each TLS check that can fail.
 */
class NeonTlsFailureAnalyzerTests {

	private final NeonTlsFailureAnalyzer analyzer = new NeonTlsFailureAnalyzer();

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', value = {
			"TLS_NOT_SUPPORTED | the server does not offer TLS | set neon.ssl.mode=disable (or sslmode=disable in the URL)",
			"UNTRUSTED_CERTIFICATE | the server's certificate does not chain to a trusted root | set neon.ssl.root-cert to the PEM file of the CA",
			"HOSTNAME_MISMATCH | the server's certificate is valid but issued for another host name | set neon.ssl.mode=verify-ca to skip the host-name check",
			"ROOT_CERT_UNREADABLE | the root certificate file cannot be read | Point neon.ssl.root-cert (or the URL's sslrootcert) at a readable PEM file",
			"TLS_NOT_IN_USE | the connection works but the server reports it is not encrypted | set neon.ssl.verify-on-startup=false if that is intended",
			"HANDSHAKE_FAILED | the TLS handshake failed | Check the server's TLS configuration and the URL's sslnegotiation parameter" })
	void eachFailureIsExplainedWithTheSettingThatFixesIt(Failure failure, String what, String fix) {
		NeonTlsException exception = new NeonTlsException("neon-pooled", "localhost:5432", NeonSslMode.VERIFY_FULL,
				failure, "detail");
		FailureAnalysis analysis = this.analyzer.analyze(new IllegalStateException(exception));
		assertThat(analysis.getDescription()).isEqualTo("The neon-pooled DataSource could not establish the TLS"
				+ " connection its sslmode (verify-full) requires to localhost:5432: " + what + ".");
		assertThat(analysis.getAction()).contains(fix);
		assertThat(analysis.getCause()).isSameAs(exception);
	}

	@Test
	void aFailureOfTheConfigurationNamesTheStarter() {
		NeonTlsException exception = new NeonTlsException(null, "ep-x-1.us-east-2.aws.neon.tech:5432",
				NeonSslMode.VERIFY_FULL, Failure.ROOT_CERT_UNREADABLE,
				"neon.ssl.root-cert /nonexistent/root.pem does not exist or cannot be read");
		FailureAnalysis analysis = this.analyzer.analyze(exception);
		assertThat(analysis.getDescription()).isEqualTo("The Neon starter could not establish the TLS connection its"
				+ " sslmode (verify-full) requires to ep-x-1.us-east-2.aws.neon.tech:5432: the root certificate file"
				+ " cannot be read.");
		assertThat(analysis.getAction()).isEqualTo("Point neon.ssl.root-cert (or the URL's sslrootcert) at a readable"
				+ " PEM file, or unset it to verify against the JDK trust store.");
	}

	@Test
	void withoutAModeNamesTheDefault() {
		FailureAnalysis analysis = this.analyzer.analyze(new NeonTlsException("neon-direct", "localhost:5432", null,
				Failure.HANDSHAKE_FAILED, "detail"));
		assertThat(analysis.getDescription()).isEqualTo("The neon-direct DataSource could not establish the TLS"
				+ " connection its sslmode (default) requires to localhost:5432: the TLS handshake failed.");
	}

	@Test
	void neonHostsAreVerifiedAgainstTheJdkTrustStore() {
		FailureAnalysis analysis = this.analyzer.analyze(new NeonTlsException("neon-pooled", "localhost:5432",
				NeonSslMode.VERIFY_FULL, Failure.UNTRUSTED_CERTIFICATE, "detail"));
		assertThat(analysis.getAction()).startsWith("For Neon hosts the JDK trust store must hold ISRG Root X1")
			.endsWith("neon.ssl.mode=require skips verification (not recommended).");
	}

}
