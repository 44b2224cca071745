package dev.neonstarter.api;

import java.time.Duration;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * What a {@link NeonApiClient} needs: the API key, the project, where the API is, and how long to wait. Immutable;
 * start from {@link #of(String, String)} (the defaults below) and change a setting with a {@code with…} method.
 * The key and the project may be missing here: the client refuses to start without them, saying what to set.
 * {@link #toString()} never shows the key.
 */
public final class NeonApiSettings {

	/** The environment variable that usually holds the API key ({@code neon.api.key}). */
	public static final String API_KEY_VARIABLE = "NEON_API_KEY";

	/** The environment variable read when {@code neon.api.project-id} is unset. */
	public static final String PROJECT_ID_VARIABLE = "NEON_PROJECT_ID";

	/** The Neon API v2. */
	public static final String DEFAULT_BASE_URL = "https://console.neon.tech/api/v2";

	private final @Nullable String key;

	private final @Nullable String projectId;

	private final String baseUrl;

	private final Duration requestTimeout;

	private final Duration operationTimeout;

	private final Duration pollInterval;

	private final int maxRetries;

	private final Duration retryBackoff;

	private NeonApiSettings(@Nullable String key, @Nullable String projectId, String baseUrl, Duration requestTimeout,
			Duration operationTimeout, Duration pollInterval, int maxRetries, Duration retryBackoff) {
		if (baseUrl.isBlank()) {
			throw new IllegalArgumentException("The Neon API base URL must not be empty");
		}
		if (requestTimeout.isZero() || requestTimeout.isNegative()) {
			throw new IllegalArgumentException("The Neon API request timeout must be positive, not " + requestTimeout);
		}
		requireNotNegative(operationTimeout, "operation timeout");
		requireNotNegative(pollInterval, "poll interval");
		requireNotNegative(retryBackoff, "retry backoff");
		if (maxRetries < 0) {
			throw new IllegalArgumentException("The Neon API retries must not be negative, not " + maxRetries);
		}
		this.key = key;
		this.projectId = projectId;
		this.baseUrl = baseUrl;
		this.requestTimeout = requestTimeout;
		this.operationTimeout = operationTimeout;
		this.pollInterval = pollInterval;
		this.maxRetries = maxRetries;
		this.retryBackoff = retryBackoff;
	}

	/**
	 * Settings for a project, with the defaults: {@value #DEFAULT_BASE_URL}, 30 s per request, 2 min for the
	 * operations a request starts, a poll each second, 5 retries of a 429 or 423 answer starting 1 s apart.
	 * @param key the API key, {@code null} if there is none
	 * @param projectId the project whose branches the client manages, {@code null} if there is none
	 * @return the settings
	 */
	public static NeonApiSettings of(@Nullable String key, @Nullable String projectId) {
		return new NeonApiSettings(key, projectId, DEFAULT_BASE_URL, Duration.ofSeconds(30), Duration.ofMinutes(2),
				Duration.ofSeconds(1), 5, Duration.ofSeconds(1));
	}

	private static void requireNotNegative(Duration duration, String name) {
		if (duration.isNegative()) {
			throw new IllegalArgumentException("The Neon API " + name + " must not be negative, not " + duration);
		}
	}

	/** The API key, sent as a Bearer token; {@code null} if none is set. */
	public @Nullable String key() {
		return this.key;
	}

	/** The project whose branches the client manages; {@code null} if none is set. */
	public @Nullable String projectId() {
		return this.projectId;
	}

	/** The base URL of the Neon API v2. */
	public String baseUrl() {
		return this.baseUrl;
	}

	/** The longest wait for one HTTP request (also the connect timeout). */
	public Duration requestTimeout() {
		return this.requestTimeout;
	}

	/** The longest wait for the operations a request starts (creating a branch, starting its compute). */
	public Duration operationTimeout() {
		return this.operationTimeout;
	}

	/** The interval between two polls of a running operation. */
	public Duration pollInterval() {
		return this.pollInterval;
	}

	/**
	 * How often a request refused with 429 Too Many Requests or 423 Locked, or a read or delete that met 502, 503 or
	 * 504, is retried before giving up.
	 */
	public int maxRetries() {
		return this.maxRetries;
	}

	/** The wait before the first retry of an answer without {@code Retry-After}; doubled for each further one. */
	public Duration retryBackoff() {
		return this.retryBackoff;
	}

	/** Whether both an API key and a project id are set (not blank). */
	public boolean isConfigured() {
		return hasText(this.key) && hasText(this.projectId);
	}

	public NeonApiSettings withKey(@Nullable String key) {
		return new NeonApiSettings(key, this.projectId, this.baseUrl, this.requestTimeout, this.operationTimeout,
				this.pollInterval, this.maxRetries, this.retryBackoff);
	}

	public NeonApiSettings withProjectId(@Nullable String projectId) {
		return new NeonApiSettings(this.key, projectId, this.baseUrl, this.requestTimeout, this.operationTimeout,
				this.pollInterval, this.maxRetries, this.retryBackoff);
	}

	public NeonApiSettings withBaseUrl(String baseUrl) {
		return new NeonApiSettings(this.key, this.projectId, baseUrl, this.requestTimeout, this.operationTimeout,
				this.pollInterval, this.maxRetries, this.retryBackoff);
	}

	public NeonApiSettings withRequestTimeout(Duration requestTimeout) {
		return new NeonApiSettings(this.key, this.projectId, this.baseUrl, requestTimeout, this.operationTimeout,
				this.pollInterval, this.maxRetries, this.retryBackoff);
	}

	public NeonApiSettings withOperationTimeout(Duration operationTimeout) {
		return new NeonApiSettings(this.key, this.projectId, this.baseUrl, this.requestTimeout, operationTimeout,
				this.pollInterval, this.maxRetries, this.retryBackoff);
	}

	public NeonApiSettings withPollInterval(Duration pollInterval) {
		return new NeonApiSettings(this.key, this.projectId, this.baseUrl, this.requestTimeout, this.operationTimeout,
				pollInterval, this.maxRetries, this.retryBackoff);
	}

	public NeonApiSettings withMaxRetries(int maxRetries) {
		return new NeonApiSettings(this.key, this.projectId, this.baseUrl, this.requestTimeout, this.operationTimeout,
				this.pollInterval, maxRetries, this.retryBackoff);
	}

	public NeonApiSettings withRetryBackoff(Duration retryBackoff) {
		return new NeonApiSettings(this.key, this.projectId, this.baseUrl, this.requestTimeout, this.operationTimeout,
				this.pollInterval, this.maxRetries, retryBackoff);
	}

	static boolean hasText(@Nullable String value) {
		return value != null && !value.isBlank();
	}

	@Override
	public boolean equals(@Nullable Object other) {
		return other instanceof NeonApiSettings that && Objects.equals(this.key, that.key)
				&& Objects.equals(this.projectId, that.projectId) && this.baseUrl.equals(that.baseUrl)
				&& this.requestTimeout.equals(that.requestTimeout) && this.operationTimeout.equals(that.operationTimeout)
				&& this.pollInterval.equals(that.pollInterval) && this.maxRetries == that.maxRetries
				&& this.retryBackoff.equals(that.retryBackoff);
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.key, this.projectId, this.baseUrl, this.requestTimeout, this.operationTimeout,
				this.pollInterval, this.maxRetries, this.retryBackoff);
	}

	/** Never shows the key, only whether there is one. */
	@Override
	public String toString() {
		return "NeonApiSettings[baseUrl=" + this.baseUrl + ", projectId=" + this.projectId + ", key="
				+ (hasText(this.key) ? "****" : "unset") + ", requestTimeout=" + this.requestTimeout
				+ ", operationTimeout=" + this.operationTimeout + ", pollInterval=" + this.pollInterval + ", maxRetries="
				+ this.maxRetries + ", retryBackoff=" + this.retryBackoff + "]";
	}

}
