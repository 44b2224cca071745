package dev.neonstarter.autoconfigure.diagnostics;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Starts real applications with bad configuration and checks what the user is told.
 */
@ExtendWith(OutputCaptureExtension.class)
class NeonFailureAnalyzersTests {

	@Test
	void missingUrlTellsWhatToSet(CapturedOutput output) {
		start();
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("neither the neon.url property nor the DATABASE_URL environment variable is set")
			.contains("export DATABASE_URL=")
			.contains("neon.embedded.enabled=true");
	}

	@Test
	void malformedUrlSaysWhatAndWhereWithoutThePassword(CapturedOutput output) {
		start("--neon.url=postgresql://app:Tr0ub4dor@ep-a-1-pooler.us-east-2.aws.neon.tech:54x2/neondb");
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("The connection string in neon.url cannot be used: the port is not a number")
			.contains("must be percent-encoded")
			.doesNotContain("Tr0ub4dor");
	}

	@Test
	void unknownParameterIsNamed(CapturedOutput output) {
		start("--neon.url=postgresql://app:Tr0ub4dor@localhost/neondb?sslmode=require&pool_size=5");
		assertThat(output).contains("unknown parameter 'pool_size'").doesNotContain("Tr0ub4dor");
	}

	@Test
	void unreadableRootCertificateNamesTheProperty(CapturedOutput output) {
		start("--neon.url=postgresql://app:Tr0ub4dor@localhost/neondb", "--neon.ssl.mode=verify-full",
				"--neon.ssl.root-cert=/nonexistent/root.pem");
		assertThat(output).contains("could not establish the TLS connection its sslmode (verify-full) requires")
			.contains("the root certificate file cannot be read")
			.contains("Point neon.ssl.root-cert")
			.doesNotContain("Tr0ub4dor");
	}

	@Test
	void serverWithoutTlsIsExplained(CapturedOutput output) throws Exception {
		try (EmbeddedPostgres plain = EmbeddedPostgres.builder().start()) {
			start("--neon.url=postgresql://postgres:Tr0ub4dor@localhost:" + plain.getPort() + "/postgres?sslmode=require");
		}
		assertThat(output).contains("The neon-pooled DataSource could not establish the TLS connection its sslmode"
				+ " (require) requires to localhost:")
			.contains("the server does not offer TLS")
			.contains("neon.ssl.mode=disable")
			.doesNotContain("Tr0ub4dor");
	}

	private static void start(String... args) {
		SpringApplication application = new SpringApplication(EmptyApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		assertThatException().isThrownBy(() -> application.run(args).close());
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class EmptyApplication {

	}

}
