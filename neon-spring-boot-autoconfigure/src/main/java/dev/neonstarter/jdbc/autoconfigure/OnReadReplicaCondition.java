package dev.neonstarter.jdbc.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/**
 * Matches when {@code neon.read-replica.url} has text. Not {@code @ConditionalOnProperty}: that matches an
 * empty value, which is what {@code neon.read-replica.url: ${READ_REPLICA_URL:}} gives without the variable.
 */
class OnReadReplicaCondition extends SpringBootCondition {

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		String property = NeonProperties.READ_REPLICA_URL;
		ConditionMessage.Builder message = ConditionMessage.forCondition("Neon read replica");
		// The report names the property only: its value may carry a password.
		return StringUtils.hasText(context.getEnvironment().getProperty(property))
				? ConditionOutcome.match(message.found("property").items(property))
				: ConditionOutcome.noMatch(message.didNotFind("property").items(property));
	}

}
