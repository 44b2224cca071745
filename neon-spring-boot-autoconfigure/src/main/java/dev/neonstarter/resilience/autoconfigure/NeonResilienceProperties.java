package dev.neonstarter.resilience.autoconfigure;

import dev.neonstarter.connection.NeonUnavailableException;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the starter's Resilience4j wiring. The breaker and retry themselves are configured as
 * {@code resilience4j.circuitbreaker.instances.neon.*} and {@code resilience4j.retry.instances.neon.*}.
 */
@ConfigurationProperties("neon.resilience")
public class NeonResilienceProperties {

	/**
	 * Whether to put the pooled DataSource (and the read replica's) behind its circuit breaker: while it is
	 * open, getConnection() fails at once with NeonUnavailableException instead of waiting for the connection
	 * timeout.
	 */
	private boolean failFast = true;

	public boolean isFailFast() {
		return this.failFast;
	}

	public void setFailFast(boolean failFast) {
		this.failFast = failFast;
	}

}
