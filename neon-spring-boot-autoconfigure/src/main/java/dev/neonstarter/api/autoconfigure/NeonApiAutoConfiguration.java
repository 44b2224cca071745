package dev.neonstarter.api.autoconfigure;

import dev.neonstarter.api.NeonApiClient;
import dev.neonstarter.api.NeonApiSettings;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/**
 * A {@link NeonApiClient} bean when a Neon API key and project id are configured ({@code NEON_API_KEY} and
 * {@code NEON_PROJECT_ID}, or {@code neon.api.*}), for applications that manage branches themselves (preview
 * environments, for example). Nothing is called at startup. Needs {@code neon-api-client}, which the starter
 * brings.
 */
@AutoConfiguration
@ConditionalOnClass(NeonApiClient.class)
@ConditionalOnBooleanProperty(name = "neon.enabled", matchIfMissing = true)
@Conditional(NeonApiAutoConfiguration.ApiConfiguredCondition.class)
@EnableConfigurationProperties(NeonApiProperties.class)
public final class NeonApiAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	NeonApiClient neonApiClient(NeonApiProperties properties, Environment environment) {
		return new NeonApiClient(properties.toSettings(environment.getProperty(NeonApiSettings.PROJECT_ID_VARIABLE)));
	}

	/**
	 * Both the key and the project id are set. A key alone (exported for the Neon CLI, say) configures nothing
	 * rather than failing startup.
	 */
	static class ApiConfiguredCondition extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			ConditionMessage.Builder message = ConditionMessage.forCondition("Neon API client");
			Environment environment = context.getEnvironment();
			if (StringUtils.hasText(environment.getProperty(NeonApiProperties.PREFIX + ".key"))
					&& (StringUtils.hasText(environment.getProperty(NeonApiProperties.PREFIX + ".project-id"))
							|| StringUtils.hasText(environment.getProperty(NeonApiSettings.PROJECT_ID_VARIABLE)))) {
				return ConditionOutcome.match(message.found("properties").items("neon.api.key", "neon.api.project-id"));
			}
			return ConditionOutcome.noMatch(message.didNotFind("properties")
				.items("neon.api.key (NEON_API_KEY) and neon.api.project-id (NEON_PROJECT_ID)"));
		}

	}

}
