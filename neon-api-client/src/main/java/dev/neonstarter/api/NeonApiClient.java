package dev.neonstarter.api;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.neonstarter.api.NeonApiMessages.BranchSpec;
import dev.neonstarter.api.NeonApiMessages.BranchesResponse;
import dev.neonstarter.api.NeonApiMessages.ConnectionUriResponse;
import dev.neonstarter.api.NeonApiMessages.CreateBranchRequest;
import dev.neonstarter.api.NeonApiMessages.CreateBranchResponse;
import dev.neonstarter.api.NeonApiMessages.Database;
import dev.neonstarter.api.NeonApiMessages.DatabasesResponse;
import dev.neonstarter.api.NeonApiMessages.Endpoint;
import dev.neonstarter.api.NeonApiMessages.EndpointSpec;
import dev.neonstarter.api.NeonApiMessages.ErrorResponse;
import dev.neonstarter.api.NeonApiMessages.Operation;
import dev.neonstarter.api.NeonApiMessages.OperationResponse;
import io.github.resilience4j.core.functions.Either;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

import static dev.neonstarter.api.NeonApiMessages.orEmpty;
import static dev.neonstarter.api.NeonApiSettings.hasText;

/**
 * A small client of the Neon API v2 for branches: create one with a read-write compute and wait until it can
 * be used, list, delete. Requests refused with 429 (rate limit) or 423 (another operation holds the project),
 * and reads and deletes that met 502, 503 or 504 (a gateway or the API briefly unavailable), are retried with
 * exponential backoff, or after the server's {@code Retry-After} (at most a minute); other
 * failures are not retried, nor is the request that creates a branch after a 5xx (it may have created one).
 * Configured by {@link NeonApiSettings}.
 * <p>
 * A branch that cannot be made ready is deleted again, also when the JVM is stopped while it waits (a shutdown
 * hook); once {@code createBranch} returns it, deleting it is the caller's.
 * <p>
 * The API key is sent only in the {@code Authorization} header: it is never logged and never part of an
 * exception message or {@link #toString()}. Thread-safe.
 */
public final class NeonApiClient {

	private static final Logger logger = LoggerFactory.getLogger(NeonApiClient.class);

	private static final String USER_AGENT = "neon-spring-boot-starter";

	/**
	 * The longest wait a server's {@code Retry-After} gets: Neon's rate limit is per minute, and a test run that
	 * waits longer for one request is better told so.
	 */
	static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(60);

	private static final Set<String> SUCCEEDED = Set.of("finished", "skipped");

	// Neon may retry a failed operation on its own, but whoever waits for a branch cannot know whether it will.
	private static final Set<String> FAILED = Set.of("failed", "error", "cancelled");

	private final String key;

	private final String projectId;

	private final String baseUrl;

	private final NeonApiSettings settings;

	// Decides whether an answer is retried and how long to wait; the client waits itself (exchange).
	private final Retry retry;

	private final Sleeper sleeper;

	private final HttpClient http;

	// Not the application's mapper: its customizations must not change how Neon's JSON is read.
	private final JsonMapper json = JsonMapper.builder()
		.propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
		.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
		.changeDefaultPropertyInclusion((inclusion) -> inclusion.withValueInclusion(JsonInclude.Include.NON_NULL))
		.build();

	/**
	 * A client for the configured project.
	 * @param settings the settings
	 * @throws IllegalStateException when the API key or the project id is missing
	 */
	public NeonApiClient(NeonApiSettings settings) {
		this(settings, (duration) -> Thread.sleep(duration.toMillis()));
	}

	NeonApiClient(NeonApiSettings settings, Sleeper sleeper) {
		String key = settings.key();
		String projectId = settings.projectId();
		if (key == null || !hasText(key)) {
			throw new IllegalStateException("No Neon API key: set the " + NeonApiSettings.API_KEY_VARIABLE
					+ " environment variable or neon.api.key (create one in the Neon console under Account settings"
					+ " > API keys)");
		}
		if (projectId == null || !hasText(projectId)) {
			throw new IllegalStateException("No Neon project id: set the " + NeonApiSettings.PROJECT_ID_VARIABLE
					+ " environment variable or neon.api.project-id (the console's project settings show it)");
		}
		this.key = key.strip();
		requireHeaderSafe(this.key);
		this.projectId = projectId.strip();
		this.baseUrl = settings.baseUrl().replaceAll("/+$", "");
		this.settings = settings;
		this.retry = Retry.of("neonApi", RetryConfig.<HttpResponse<String>>custom()
			.maxAttempts(settings.maxRetries() + 1)
			.retryOnResult(NeonApiClient::refusedForNow)
			.retryOnException((ex) -> false)
			.intervalBiFunction(this::retryWaitMillis)
			.build());
		this.sleeper = sleeper;
		this.http = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(this.settings.requestTimeout())
			.build();
	}

	/**
	 * Refuses a key with a character outside printable ASCII (Neon's keys have none): the JDK would refuse the
	 * {@code Authorization} header with a message that quotes it, key included. Says where, never what.
	 */
	private static void requireHeaderSafe(String key) {
		String setting = NeonApiSettings.API_KEY_VARIABLE + " or neon.api.key";
		if (key.regionMatches(true, 0, "Bearer ", 0, 7)) {
			throw new IllegalStateException("The Neon API key starts with 'Bearer ': set " + setting + " to the key"
					+ " alone; the client sends it as 'Authorization: Bearer <key>' itself");
		}
		if (key.length() >= 2 && (key.charAt(0) == '"' || key.charAt(0) == '\'')
				&& key.charAt(key.length() - 1) == key.charAt(0)) {
			throw new IllegalStateException("The Neon API key is in quotes: set " + setting + " to the key alone"
					+ " (an imported .env or .properties file, Docker's --env-file and some secret stores keep the"
					+ " quotes)");
		}
		for (int i = 0; i < key.length(); i++) {
			char c = key.charAt(i);
			if (c <= ' ' || c >= 0x7f) {
				throw new IllegalStateException("The Neon API key contains a line break, a space or another character"
						+ " that Neon's keys do not have (character " + (i + 1) + " of " + key.length() + "): set "
						+ NeonApiSettings.API_KEY_VARIABLE + " or neon.api.key to the key alone, as the Neon console"
						+ " shows it");
			}
		}
	}

	/** The id of the project this client manages. */
	public String projectId() {
		return this.projectId;
	}

	/**
	 * Creates a branch with a read-write compute endpoint, waits until Neon has finished creating both, and
	 * returns it with its connection strings for the branch's only database and that database's owner.
	 * @param name the branch name
	 * @param parent the parent branch, by id ({@code br-…}) or name; {@code null} or empty for the project's
	 * default branch
	 * @return the branch, ready to connect to
	 * @throws NeonApiException when a request fails, an operation fails or does not finish within
	 * {@code neon.api.operation-timeout}; a branch that was created but cannot be used is deleted first
	 */
	public NeonBranchConnection createBranch(String name, @Nullable String parent) {
		return createBranch(name, parent, null, null);
	}

	/**
	 * Creates a branch like {@link #createBranch(String, String)}, with its connection strings for the given
	 * database and role.
	 * @param name the branch name
	 * @param parent the parent branch, by id ({@code br-…}) or name; {@code null} or empty for the default branch
	 * @param database the database to connect to; {@code null} for the branch's only database
	 * @param role the role to connect as; {@code null} for the database's owner
	 * @return the branch, ready to connect to
	 */
	public NeonBranchConnection createBranch(String name, @Nullable String parent, @Nullable String database,
			@Nullable String role) {
		requireText(name, "The branch name must not be empty");
		String parentId = parentId(parent);
		CreateBranchRequest request = new CreateBranchRequest(new BranchSpec(name, parentId),
				List.of(new EndpointSpec("read_write")));
		CreateBranchResponse created = call("POST", projectPath("/branches"), request, CreateBranchResponse.class);
		Branch branch = created.branch();
		logger.info("Created Neon branch '" + branch.name() + "' (" + branch.id() + ") in project " + this.projectId
				+ (hasText(parent) ? " from '" + parent + "'" : ""));
		// Until it is ready and handed over, nobody else can delete it: a JVM stopped meanwhile (SIGTERM, Ctrl-C,
		// a cancelled CI job) does, from a shutdown hook.
		Thread onShutdown = new Thread(() -> deleteOnShutdown(branch), "neon-branch-cleanup");
		try {
			Runtime.getRuntime().addShutdownHook(onShutdown);
		}
		catch (IllegalStateException shuttingDown) {
			deleteBranch(branch.id());
			throw new NeonApiException("The JVM is shutting down: Neon branch '" + branch.name() + "' ("
					+ branch.id() + ") was deleted again", 0, shuttingDown);
		}
		try {
			awaitOperations(orEmpty(created.operations()));
			String endpointId = readWriteEndpoint(branch, orEmpty(created.endpoints()));
			Database target = database(branch, database);
			String roleName = (role != null && hasText(role)) ? role : target.ownerName();
			return new NeonBranchConnection(branch, endpointId,
					connectionString(branch, endpointId, target.name(), roleName, true),
					connectionString(branch, endpointId, target.name(), roleName, false));
		}
		catch (RuntimeException ex) {
			// The branch exists but cannot be used: do not leave it behind.
			try {
				deleteBranch(branch.id());
			}
			catch (RuntimeException deleteFailure) {
				ex.addSuppressed(deleteFailure);
			}
			throw ex;
		}
		finally {
			try {
				Runtime.getRuntime().removeShutdownHook(onShutdown);
			}
			catch (IllegalStateException shuttingDown) {
				// The hook runs (or ran) and deletes the branch.
			}
		}
	}

	/** Deletes a branch still being created as the JVM shuts down; logging may have shut down already. */
	private void deleteOnShutdown(Branch branch) {
		try {
			deleteBranch(branch.id());
			System.err.println("Deleted Neon branch '" + branch.name() + "' (" + branch.id() + "), still being created"
					+ " as the JVM shut down");
		}
		catch (RuntimeException ex) {
			System.err.println("Could not delete Neon branch '" + branch.name() + "' (" + branch.id() + ") of project "
					+ this.projectId + " as the JVM shut down: " + ex.getMessage() + "; delete it in the Neon console");
		}
	}

	/**
	 * All branches of the project.
	 * @return the branches, in the order Neon lists them
	 */
	public List<Branch> listBranches() {
		List<Branch> all = new ArrayList<>();
		Set<String> cursors = new HashSet<>();
		String path = projectPath("/branches");
		while (true) {
			BranchesResponse page = call("GET", path, null, BranchesResponse.class);
			List<Branch> branches = orEmpty(page.branches());
			all.addAll(branches);
			String next = (page.pagination() != null) ? page.pagination().next() : null;
			if (next == null || branches.isEmpty() || !hasText(next) || !cursors.add(next)) {
				return List.copyOf(all);
			}
			path = projectPath("/branches") + "?cursor=" + encode(next);
		}
	}

	/**
	 * Deletes a branch (and its computes). Does not wait for Neon to finish the deletion. A cleanup, so it is also
	 * sent by a thread that was interrupted before (a test's timeout, an interrupted wait for the branch), which
	 * stays interrupted; an interrupt while it runs still stops it.
	 * @param branchId the branch id ({@code br-…})
	 * @return {@code true} if it was deleted, {@code false} if it did not exist
	 */
	public boolean deleteBranch(String branchId) {
		requireText(branchId, "The branch id must not be empty");
		String path = projectPath("/branches/" + encode(branchId));
		// With the interrupt status set, HttpClient cancels the request at once and the branch would be left.
		boolean interrupted = Thread.interrupted();
		try {
			HttpResponse<String> response = exchange("DELETE", path, null, null);
			if (response.statusCode() == 404) {
				logger.debug("Neon branch " + branchId + " was already deleted");
				return false;
			}
			check("DELETE", path, response);
			logger.info("Deleted Neon branch " + branchId + " in project " + this.projectId);
			return true;
		}
		finally {
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

	private @Nullable String parentId(@Nullable String parent) {
		if (parent == null || !hasText(parent)) {
			return null;
		}
		if (parent.startsWith("br-")) {
			return parent;
		}
		List<Branch> branches = listBranches();
		return branches.stream()
			.filter((branch) -> parent.equals(branch.name()))
			.map(Branch::id)
			.findFirst()
			.orElseThrow(() -> new NeonApiException("Neon project " + this.projectId + " has no branch named '" + parent
					+ "' to branch from (it has: " + names(branches, Branch::name) + ")", 0));
	}

	/**
	 * Polls until the operations have finished, within {@code neon.api.operation-timeout}: the waits between polls
	 * and a server's retry waits end at the deadline (a poll itself may take up to the request timeout).
	 */
	private void awaitOperations(List<Operation> operations) {
		long deadline = this.sleeper.nanoTime() + this.settings.operationTimeout().toNanos();
		for (Operation started : operations) {
			Operation operation = started;
			while (!succeeded(operation)) {
				long remaining = deadline - this.sleeper.nanoTime();
				if (remaining <= 0) {
					throw new NeonApiException("Neon operation " + operation.describe() + " did not finish within "
							+ format(this.settings.operationTimeout()) + " (last status '" + operation.status()
							+ "'); raise neon.api.operation-timeout if Neon is slow", 0);
				}
				Duration interval = this.settings.pollInterval();
				sleep((interval.toNanos() > remaining) ? Duration.ofNanos(remaining) : interval);
				operation = call("GET", projectPath("/operations/" + encode(operation.id())), null,
						OperationResponse.class, deadline)
					.operation();
			}
		}
	}

	private static boolean succeeded(Operation operation) {
		if (FAILED.contains(operation.status())) {
			String error = hasText(operation.error()) ? ": " + operation.error() : "";
			throw new NeonApiException(
					"Neon operation " + operation.describe() + " ended with status '" + operation.status() + "'" + error,
					0);
		}
		return SUCCEEDED.contains(operation.status());
	}

	private static String readWriteEndpoint(Branch branch, List<Endpoint> endpoints) {
		return endpoints.stream()
			.filter((endpoint) -> "read_write".equals(endpoint.type()))
			.map(Endpoint::id)
			.findFirst()
			.orElseThrow(() -> new NeonApiException(
					"Neon created branch " + branch.id() + " without the read_write endpoint it was asked for", 0));
	}

	private Database database(Branch branch, @Nullable String name) {
		String path = projectPath("/branches/" + encode(branch.id()) + "/databases");
		List<Database> databases = orEmpty(call("GET", path, null, DatabasesResponse.class).databases());
		if (name != null && hasText(name)) {
			return databases.stream()
				.filter((database) -> name.equals(database.name()))
				.findFirst()
				.orElseThrow(() -> new NeonApiException("Neon branch " + branch.id() + " has no database '" + name
						+ "' (it has: " + names(databases, Database::name) + ")", 0));
		}
		if (databases.size() != 1) {
			throw new NeonApiException("Neon branch " + branch.id() + " has " + databases.size() + " databases ("
					+ names(databases, Database::name) + "): name the one to connect to", 0);
		}
		return databases.get(0);
	}

	private String connectionString(Branch branch, String endpointId, String database, String role,
			boolean pooled) {
		String path = projectPath("/connection_uri") + "?branch_id=" + encode(branch.id()) + "&endpoint_id="
				+ encode(endpointId) + "&database_name=" + encode(database) + "&role_name=" + encode(role)
				+ "&pooled=" + pooled;
		String uri = call("GET", path, null, ConnectionUriResponse.class).uri();
		String problem = problem(uri);
		if (uri == null || problem != null) {
			throw new NeonApiException("The Neon API returned a " + (pooled ? "pooled" : "direct")
					+ " connection URI for branch " + branch.id() + " that cannot be used: " + problem, 0);
		}
		return uri.strip();
	}

	/**
	 * What makes a connection URI unusable, or {@code null}. Only the shape is checked here; the starter parses
	 * it fully when it connects. The reason never quotes the URI, which holds a password.
	 */
	static @Nullable String problem(@Nullable String uri) {
		if (uri == null || !hasText(uri)) {
			return "it is empty";
		}
		URI parsed;
		try {
			parsed = new URI(uri.strip());
		}
		catch (URISyntaxException ex) {
			return "it is not a URI";
		}
		if (!"postgresql".equalsIgnoreCase(parsed.getScheme()) && !"postgres".equalsIgnoreCase(parsed.getScheme())) {
			return "it is not a postgresql:// URI";
		}
		if (parsed.getHost() == null) {
			return "it names no host";
		}
		return null;
	}

	private <T> T call(String method, String path, @Nullable Object body, Class<T> type) {
		return call(method, path, body, type, null);
	}

	/**
	 * @param deadline the {@link Sleeper#nanoTime()} by which an operation must have finished, or {@code null}:
	 * a retry that would wait past it is not made
	 */
	private <T> T call(String method, String path, @Nullable Object body, Class<T> type, @Nullable Long deadline) {
		HttpResponse<String> response = exchange(method, path, body, deadline);
		check(method, path, response);
		try {
			return this.json.readValue(response.body(), type);
		}
		catch (JacksonException ex) {
			// Jackson's message may quote the body, and some bodies hold passwords: say only where it failed.
			throw new NeonApiException("Unexpected response to Neon API " + method + " " + path + " (HTTP "
					+ response.statusCode() + "): not the JSON the Neon API documents", response.statusCode());
		}
	}

	/**
	 * Sends the request, again while the retry says so. The retry's asynchronous context only counts the
	 * attempts and computes the wait ({@link #retryWaitMillis}); the client waits itself, through its
	 * {@link Sleeper}, since Resilience4j's synchronous retry sleeps through one JVM-wide function.
	 */
	private HttpResponse<String> exchange(String method, String path, @Nullable Object body, @Nullable Long deadline) {
		HttpRequest request = request(method, path, body);
		Retry.AsyncContext<HttpResponse<String>> attempts = this.retry.asyncContext();
		while (true) {
			HttpResponse<String> response = send(request, method, path);
			long waitMillis = attempts.onResult(response);
			if (waitMillis < 0) {
				attempts.onComplete();
				return response;
			}
			Duration wait = Duration.ofMillis(waitMillis);
			if (deadline != null && this.sleeper.nanoTime() + wait.toNanos() - deadline > 0) {
				throw new NeonApiException("Neon API " + method + " " + path + " answered HTTP " + response.statusCode()
						+ " and asked to wait " + format(wait) + ", past neon.api.operation-timeout ("
						+ format(this.settings.operationTimeout()) + "); raise it if Neon is slow",
						response.statusCode());
			}
			logger.debug("Neon API answered {} to {} {}; retrying in {}", response.statusCode(), method, path,
					format(wait));
			sleep(wait);
		}
	}

	/**
	 * 429 Too Many Requests, 423 Locked: another try later may succeed (Neon's API reference, Operations: a request
	 * that conflicts with a running operation gets 423, to be retried with exponential backoff). So may a read or
	 * a delete that met 502 Bad Gateway, 503 Service Unavailable or 504 Gateway Timeout; the request that creates a
	 * branch may have created one, so it is not sent again.
	 */
	private static boolean refusedForNow(HttpResponse<String> response) {
		int status = response.statusCode();
		if (status == 429 || status == 423) {
			return true;
		}
		String method = response.request().method();
		return (status == 502 || status == 503 || status == 504) && (method.equals("GET") || method.equals("DELETE"));
	}

	/** The server's {@code Retry-After}, else the backoff, doubled for each retry after the first. */
	private Long retryWaitMillis(Integer retry, Either<Throwable, HttpResponse<String>> outcome) {
		Duration backoff = this.settings.retryBackoff().multipliedBy(1L << Math.min(retry - 1, 16));
		Optional<Duration> retryAfter = outcome.isRight() ? retryAfter(outcome.get()) : Optional.empty();
		return retryAfter.map((wait) -> (wait.compareTo(MAX_RETRY_AFTER) > 0) ? MAX_RETRY_AFTER : wait)
			.orElse(backoff)
			.toMillis();
	}

	private HttpRequest request(String method, String path, @Nullable Object body) {
		HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(this.baseUrl + path))
			.timeout(this.settings.requestTimeout())
			.header("Authorization", "Bearer " + this.key)
			.header("Accept", "application/json")
			.header("User-Agent", USER_AGENT);
		if (body != null) {
			builder.header("Content-Type", "application/json")
				.method(method, BodyPublishers.ofString(this.json.writeValueAsString(body)));
		}
		else {
			builder.method(method, BodyPublishers.noBody());
		}
		return builder.build();
	}

	/**
	 * Sends one request and reads its response within the request timeout. The request's own timeout ends when
	 * the headers arrive; a body that stalls after them would otherwise be waited for forever.
	 */
	private HttpResponse<String> send(HttpRequest request, String method, String path) {
		Duration timeout = this.settings.requestTimeout();
		CompletableFuture<HttpResponse<String>> response = this.http.sendAsync(request,
				BodyHandlers.ofString(StandardCharsets.UTF_8));
		try {
			return response.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			response.cancel(true);
			throw timedOut(method, path, ex);
		}
		catch (ExecutionException ex) {
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			if (cause instanceof HttpTimeoutException) {
				throw timedOut(method, path, cause);
			}
			throw new NeonApiException("Neon API " + method + " " + path + " failed: " + cause, 0, cause);
		}
		catch (InterruptedException ex) {
			response.cancel(true);
			Thread.currentThread().interrupt();
			throw new NeonApiException("Interrupted during Neon API " + method + " " + path, 0, ex);
		}
	}

	private NeonApiException timedOut(String method, String path, Throwable cause) {
		return new NeonApiException("Neon API " + method + " " + path + " did not answer within "
				+ format(this.settings.requestTimeout()) + ": raise neon.api.request-timeout if the network to Neon is"
				+ " slow", 0, cause);
	}

	private void check(String method, String path, HttpResponse<String> response) {
		int status = response.statusCode();
		if (status >= 200 && status < 300) {
			return;
		}
		String request = method + " " + path;
		String detail = detail(response.body());
		String message = switch (status) {
			case 401 -> "The Neon API rejected the API key (401 Unauthorized) for " + request + detail
					+ ": check the NEON_API_KEY environment variable or neon.api.key; it must be a current key from"
					+ " the Neon console (Account settings > API keys)";
			case 403 -> "The Neon API key may not do " + request + " (403 Forbidden)" + detail
					+ ": use a key of the organization or account that owns project " + this.projectId;
			case 404 -> "Neon API " + request + " found nothing (404 Not Found)" + detail
					+ ": check the project id (NEON_PROJECT_ID or neon.api.project-id)";
			case 423 -> "Neon project " + this.projectId + " stayed locked by another running operation (423 Locked)"
					+ " through " + this.settings.maxRetries() + " retries of " + request + detail;
			case 429 -> "The Neon API rate limit (700 requests per minute) still refused " + request
					+ " after " + this.settings.maxRetries() + " retries (429 Too Many Requests)" + detail;
			case 502, 503, 504 -> "Neon API " + request + " failed with HTTP " + status + detail
					+ (method.equals("GET") || method.equals("DELETE")
							? " (after " + this.settings.maxRetries() + " retries)" : "");
			default -> "Neon API " + request + " failed with HTTP " + status + detail;
		};
		throw new NeonApiException(message.replace(this.key, "****"), status);
	}

	private String detail(String body) {
		try {
			ErrorResponse error = this.json.readValue(body, ErrorResponse.class);
			if (error != null && hasText(error.message())) {
				return ": " + error.message() + (hasText(error.requestId())
						? " (request id " + error.requestId() + ")" : "");
			}
		}
		catch (JacksonException ex) {
			// not Neon's error JSON (a proxy's page, say): the status says enough
		}
		return "";
	}

	private static Optional<Duration> retryAfter(HttpResponse<?> response) {
		return response.headers().firstValue("Retry-After").map(String::strip).flatMap((value) -> {
			try {
				return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(value))));
			}
			catch (NumberFormatException notSeconds) {
				try {
					Duration until = Duration.between(Instant.now(),
							ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
					return Optional.of(until.isNegative() ? Duration.ZERO : until);
				}
				catch (DateTimeParseException notADate) {
					return Optional.empty();
				}
			}
		});
	}

	private void sleep(Duration duration) {
		try {
			this.sleeper.sleep(duration);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new NeonApiException("Interrupted while waiting for the Neon API", 0, ex);
		}
	}

	private String projectPath(String suffix) {
		return "/projects/" + encode(this.projectId) + suffix;
	}

	private static void requireText(@Nullable String value, String message) {
		if (value == null || !hasText(value)) {
			throw new IllegalArgumentException(message);
		}
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
	}

	private static <T> String names(List<T> items, Function<T, @Nullable String> name) {
		return items.isEmpty() ? "none" : items.stream().map(name).collect(Collectors.joining(", "));
	}

	/** {@code 2m}, {@code 1m30s}, {@code 0.5s}. */
	private static String format(Duration duration) {
		return duration.toString().substring(2).toLowerCase(Locale.ROOT);
	}

	/** Never shows the key. */
	@Override
	public String toString() {
		return "NeonApiClient[" + this.baseUrl + ", project " + this.projectId + "]";
	}

	/**
	 * A branch as the Neon API describes it.
	 *
	 * @param id the branch id ({@code br-…})
	 * @param name the branch name
	 * @param parentId the id of the branch it was created from, {@code null} for the root branch
	 * @param createdAt when it was created
	 * @param currentState Neon's state of the branch ({@code init}, {@code ready}, …)
	 */
	public record Branch(String id, String name, @Nullable String parentId, @Nullable Instant createdAt,
			@Nullable String currentState) {

	}

	/** Waits between polls and retries, and tells the time deadlines are kept by; replaced in tests. */
	@FunctionalInterface
	interface Sleeper {

		void sleep(Duration duration) throws InterruptedException;

		/** The time, as {@link System#nanoTime()} tells it. */
		default long nanoTime() {
			return System.nanoTime();
		}

	}

}
