package dev.neonstarter.api.autoconfigure;

import java.time.Duration;

import dev.neonstarter.api.NeonApiSettings;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.StringUtils;

/**
 * Configuration of the Neon API client ({@code neon.api.*}), mapped to {@link NeonApiSettings}. The key is usually
 * given as the {@code NEON_API_KEY} environment variable (Spring's relaxed binding of {@code neon.api.key}) and
 * the project as {@code NEON_PROJECT_ID}.
 */
@ConfigurationProperties(NeonApiProperties.PREFIX)
public class NeonApiProperties {

	static final String PREFIX = "neon.api";

	/**
	 * Neon API key, sent as a Bearer token; usually given as the NEON_API_KEY environment variable. Never
	 * logged. Without it (and a project id) no Neon API client is configured.
	 */
	private @Nullable String key;

	/**
	 * Id of the Neon project whose branches the client manages (the console's project settings show it, e.g.
	 * autumn-disk-484331). When unset, the NEON_PROJECT_ID environment variable is used.
	 */
	private @Nullable String projectId;

	/**
	 * Base URL of the Neon API v2.
	 */
	private String baseUrl = "https://console.neon.tech/api/v2";

	/**
	 * Longest wait for one HTTP request to the Neon API.
	 */
	private Duration requestTimeout = Duration.ofSeconds(30);

	/**
	 * Longest wait for the operations a request starts (creating a branch, starting its compute) to finish. The
	 * waits between polls and before retries end by then; a poll under way may take up to the request timeout.
	 */
	private Duration operationTimeout = Duration.ofMinutes(2);

	/**
	 * Interval between two polls of a running operation.
	 */
	private Duration pollInterval = Duration.ofSeconds(1);

	/**
	 * How often a request refused with 429 Too Many Requests or 423 Locked (another operation is running), or a
	 * read or delete that met 502, 503 or 504, is retried before giving up.
	 */
	private int maxRetries = 5;

	/**
	 * Wait before the first retry of a response that has no Retry-After header; doubled for each further retry.
	 * A Retry-After is waited for, up to a minute.
	 */
	private Duration retryBackoff = Duration.ofSeconds(1);

	public @Nullable String getKey() {
		return this.key;
	}

	public void setKey(@Nullable String key) {
		this.key = key;
	}

	public @Nullable String getProjectId() {
		return this.projectId;
	}

	public void setProjectId(@Nullable String projectId) {
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

	/**
	 * The client settings these properties describe.
	 * @param projectIdVariable the {@code NEON_PROJECT_ID} environment variable, used when no project id is set
	 * @return the settings
	 */
	NeonApiSettings toSettings(@Nullable String projectIdVariable) {
		String project = StringUtils.hasText(this.projectId) ? this.projectId : projectIdVariable;
		return NeonApiSettings.of(this.key, project)
			.withBaseUrl(this.baseUrl)
			.withRequestTimeout(this.requestTimeout)
			.withOperationTimeout(this.operationTimeout)
			.withPollInterval(this.pollInterval)
			.withMaxRetries(this.maxRetries)
			.withRetryBackoff(this.retryBackoff);
	}

	/** Never shows the key. */
	@Override
	public String toString() {
		return "NeonApiProperties[baseUrl=" + this.baseUrl + ", projectId=" + this.projectId + ", key="
				+ (StringUtils.hasText(this.key) ? "****" : "unset") + "]";
	}

}
