package dev.neonstarter.jdbc.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Tells how to process an application ahead of time for the settings it runs with.
 */
class NeonAotSettingsFailureAnalyzer extends AbstractFailureAnalyzer<NeonAotSettingsMismatchException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, NeonAotSettingsMismatchException cause) {
		String profile = cause.getRunProfiles().isEmpty() ? "PROFILE" : cause.getRunProfiles();
		return new FailureAnalysis(cause.getMessage(), """
				Process the application ahead of time with the settings it runs with: the same profile, and \
				the same choice of connection string or embedded database, read replica and neon.enabled \
				(see the starter's docs/aot.md). For example:
				  - Maven: mvn -Pnative package -Dspring-boot.aot.jvmArguments="-Dspring.profiles.active=%1$s",
				    or <profiles><profile>%1$s</profile></profiles> in the configuration of the
				    spring-boot-maven-plugin's process-aot execution;
				  - Gradle: tasks.named("processAot") { args("--spring.profiles.active=%1$s") };
				or start it without -Dspring.aot.enabled=true, which evaluates the conditions at startup.""".formatted(profile),
				cause);
	}

}
