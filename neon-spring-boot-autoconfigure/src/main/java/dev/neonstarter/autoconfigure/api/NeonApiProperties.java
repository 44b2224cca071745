package dev.neonstarter.autoconfigure.api;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * Configuration of the Neon API client ({@code neon.api.*}). The key is usually given as the
 * {@code NEON_API_KEY} environment variable (Spring's relaxed binding of {@code neon.api.key}) and the project
 * as {@code NEON_PROJECT_ID}.
 */
@ConfigurationProperties(NeonApiProperties.PREFIX)
public class NeonApiProperties {

	static final String PREFIX = "neon.api";

	/** Environment variable read when {@code neon.api.project-id} is unset. */
	public static final String PROJECT_ID_VARIABLE = "NEON_PROJECT_ID";

	/**
	 * Neon API key, sent as a Bearer token; usually given as the NEON_API_KEY environment variable. Never
	 * logged. Without it (and a project id) no Neon API client is configured.
	 */
	private String key;

	/**
	 * Id of the Neon project whose branches the client manages (the console's project settings show it, e.g.
	 * autumn-disk-484331). When unset, the NEON_PROJECT_ID environment variable is used.
	 */
	private String projectId;

	/**
	 * Base URL of the Neon API v2.
	 */
	private String baseUrl = "https://console.neon.tech/api/v2";

	/**
	 * Longest wait for one HTTP request to the Neon API.
	 */
	private Duration requestTimeout = Duration.ofSeconds(30);

	/**
	 * Longest wait for the operations a request starts (creating a branch, starting its compute) to finish.
	 */
	private Duration operationTimeout = Duration.ofMinutes(2);

	/**
	 * Interval between two polls of a running operation.
	 */
	private Duration pollInterval = Duration.ofSeconds(1);

	/**
	 * How often a request refused with 429 Too Many Requests or 423 Locked (another operation is running) is
	 * retried before giving up.
	 */
	private int maxRetries = 5;

	/**
	 * Wait before the first retry of a 429 or 423 response that has no Retry-After header; doubled for each
	 * further retry.
	 */
	private Duration retryBackoff = Duration.ofSeconds(1);

	/**
	 * Binds {@code neon.api.*} from the environment, with the {@value #PROJECT_ID_VARIABLE} fallback: for code
	 * that needs the client outside an application context (test support, scripts) and for the
	 * auto-configuration, so both read the same settings the same way.
	 * @param environment the environment to read
	 * @return the bound properties
	 */
	public static NeonApiProperties bind(Environment environment) {
		NeonApiProperties properties = Binder.get(environment).bindOrCreate(PREFIX, NeonApiProperties.class);
		if (!StringUtils.hasText(properties.getProjectId())) {
			properties.setProjectId(environment.getProperty(PROJECT_ID_VARIABLE));
		}
		return properties;
	}

	/** Whether both an API key and a project id are set. */
	public boolean isConfigured() {
		return StringUtils.hasText(this.key) && StringUtils.hasText(this.projectId);
	}

	public String getKey() {
		return this.key;
	}

	public void setKey(String key) {
		this.key = key;
	}

	public String getProjectId() {
		return this.projectId;
	}

	public void setProjectId(String projectId) {
		this.projectId = projectId;
	}

	public String getBaseUrl() {
		return this.baseUrl;
	}

	public void setBaseUrl(String baseUrl) {
		this.baseUrl = baseUrl;
	}

	public Duration getRequestTimeout() {
		return this.requestTimeout;
	}

	public void setRequestTimeout(Duration requestTimeout) {
		this.requestTimeout = requestTimeout;
	}

	public Duration getOperationTimeout() {
		return this.operationTimeout;
	}

	public void setOperationTimeout(Duration operationTimeout) {
		this.operationTimeout = operationTimeout;
	}

	public Duration getPollInterval() {
		return this.pollInterval;
	}

	public void setPollInterval(Duration pollInterval) {
		this.pollInterval = pollInterval;
	}

	public int getMaxRetries() {
		return this.maxRetries;
	}

	public void setMaxRetries(int maxRetries) {
		this.maxRetries = maxRetries;
	}

	public Duration getRetryBackoff() {
		return this.retryBackoff;
	}

	public void setRetryBackoff(Duration retryBackoff) {
		this.retryBackoff = retryBackoff;
	}

	/** Never shows the key. */
	@Override
	public String toString() {
		return "NeonApiProperties[baseUrl=" + this.baseUrl + ", projectId=" + this.projectId + ", key="
				+ (StringUtils.hasText(this.key) ? "****" : "unset") + "]";
	}

}
