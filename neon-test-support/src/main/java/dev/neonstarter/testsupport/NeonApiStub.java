package dev.neonstarter.testsupport;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * A local stand-in for the Neon API v2 (WireMock on a free port) answering with the shapes Neon documents:
 * create a branch with a read-write endpoint (operations {@code running}/{@code scheduling}), poll operations,
 * list branches and databases, connection URIs, delete. Every stub requires the {@value #API_KEY} bearer token;
 * other requests get Neon's 401. Connection URIs are whatever the test passes, so they can point at a local
 * PostgreSQL.
 * <p>
 * As a static {@code @RegisterExtension} field it is reset before each test and stopped after the class.
 */
public final class NeonApiStub implements AutoCloseable, BeforeEachCallback, AfterAllCallback {

	public static final String API_KEY = "napi_stubkey0123456789abcdefghij";

	public static final String PROJECT_ID = "autumn-disk-484331";

	public static final String BRANCH_ID = "br-dawn-scene-747675";

	/** The project's default branch, named {@code main}. */
	public static final String MAIN_BRANCH_ID = "br-wispy-dew-591433";

	public static final String ENDPOINT_ID = "ep-small-bush-675287";

	public static final String CREATE_OPERATION_ID = "22acbb37-209b-4b90-a39c-8460090e1329";

	public static final String START_OPERATION_ID = "055b17e6-ffe3-47ab-b545-cfd7db6fd8b8";

	public static final String DATABASE = "neondb";

	public static final String OWNER = "neondb_owner";

	private static final String PROJECT = "/api/v2/projects/" + PROJECT_ID;

	private final WireMockServer server;

	private NeonApiStub() {
		this.server = new WireMockServer(options().dynamicPort());
		this.server.start();
		reset();
	}

	public static NeonApiStub start() {
		return new NeonApiStub();
	}

	/** {@code http://localhost:<port>/api/v2}. */
	public String baseUrl() {
		return this.server.baseUrl() + "/api/v2";
	}

	/** The same settings as {@code neon.api.*} properties (e.g. JUnit configuration parameters). */
	public Map<String, String> configuration() {
		Map<String, String> configuration = new LinkedHashMap<>();
		configuration.put("neon.api.key", API_KEY);
		configuration.put("neon.api.project-id", PROJECT_ID);
		configuration.put("neon.api.base-url", baseUrl());
		configuration.put("neon.api.poll-interval", "10ms");
		configuration.put("neon.api.retry-backoff", "10ms");
		return configuration;
	}

	/** Forgets all stubs and requests; only the 401 for a wrong key stays. */
	public void reset() {
		this.server.resetAll();
		this.server.stubFor(any(anyUrl()).atPriority(10)
			.willReturn(json(401, "{\"code\":\"\",\"message\":\"authentication required\"}")));
	}

	/**
	 * A project with branches {@code main} and {@code dev} in which a branch can be created (its create
	 * operation stays {@code running} for the given number of polls, then {@code finished}), connected to with
	 * the given URIs, and deleted.
	 */
	public NeonApiStub branchLifecycle(int runningPolls, String pooledUri, String directUri) {
		branchList(List.of(new Branch(MAIN_BRANCH_ID, "main", null, Instant.parse("2022-12-07T00:45:05Z"),
				"ready"), new Branch("br-shy-meadow-151383", "dev", MAIN_BRANCH_ID,
						Instant.parse("2022-12-07T10:00:00Z"), "ready")));
		// The name is echoed from the request, as Neon does.
		stub(post(urlPathEqualTo(PROJECT + "/branches")).willReturn(json(201, """
				{"branch": {"id": "%1$s", "project_id": "%2$s", "parent_id": "%3$s", "parent_lsn": "0/1AA6408",
				  "name": "{{jsonPath request.body '$.branch.name'}}", "current_state": "init", "pending_state": "ready",
				  "created_at": "2026-11-23T19:55:43Z", "updated_at": "2026-11-23T19:55:43Z"},
				 "endpoints": [{"host": "%4$s.us-east-2.aws.neon.tech", "id": "%4$s", "project_id": "%2$s",
				  "branch_id": "%1$s", "autoscaling_limit_min_cu": 0.25, "autoscaling_limit_max_cu": 0.25,
				  "region_id": "aws-us-east-2", "type": "read_write", "current_state": "init", "pending_state": "active",
				  "settings": {}, "pooler_enabled": false, "pooler_mode": "transaction", "disabled": false,
				  "passwordless_access": true, "created_at": "2026-11-23T19:55:43Z", "updated_at": "2026-11-23T19:55:43Z",
				  "proxy_host": "us-east-2.aws.neon.tech", "suspend_timeout_seconds": 0}],
				 "operations": [%5$s, %6$s],
				 "roles": [{"branch_id": "%1$s", "name": "%7$s", "protected": false,
				  "created_at": "2026-11-23T19:55:43Z", "updated_at": "2026-11-23T19:55:43Z"}],
				 "databases": [{"id": 1636569, "branch_id": "%1$s", "name": "%8$s", "owner_name": "%7$s",
				  "created_at": "2026-11-23T19:55:43Z", "updated_at": "2026-11-23T19:55:43Z"}],
				 "connection_uris": [{"connection_uri": "%9$s", "connection_parameters": {"database": "%8$s",
				  "role": "%7$s", "host": "%4$s.us-east-2.aws.neon.tech",
				  "pooler_host": "%4$s-pooler.us-east-2.aws.neon.tech"}}]}
				""".formatted(BRANCH_ID, PROJECT_ID, MAIN_BRANCH_ID, ENDPOINT_ID,
				operation(CREATE_OPERATION_ID, "create_branch", null, "running", null),
				operation(START_OPERATION_ID, "start_compute", ENDPOINT_ID, "scheduling", null), OWNER, DATABASE,
				directUri)).withTransformers("response-template")));
		createOperation(runningPolls, "finished", null);
		stub(get(urlPathEqualTo(PROJECT + "/operations/" + START_OPERATION_ID)).willReturn(okJson(
				"{\"operation\": " + operation(START_OPERATION_ID, "start_compute", ENDPOINT_ID, "finished", null) + "}")));
		stub(get(urlPathEqualTo(PROJECT + "/branches/" + BRANCH_ID + "/databases")).willReturn(okJson("""
				{"databases": [{"id": 1636569, "branch_id": "%s", "name": "%s", "owner_name": "%s",
				 "created_at": "2026-11-23T19:55:43Z", "updated_at": "2026-11-23T19:55:43Z"}]}
				""".formatted(BRANCH_ID, DATABASE, OWNER))));
		connectionUri(true, pooledUri);
		connectionUri(false, directUri);
		stub(delete(urlPathEqualTo(PROJECT + "/branches/" + BRANCH_ID)).willReturn(okJson("""
				{"branch": {"id": "%1$s", "project_id": "%2$s", "parent_id": "%3$s", "name": "deleted",
				  "current_state": "ready", "created_at": "2026-11-23T19:55:43Z", "updated_at": "2026-11-23T20:01:31Z"},
				 "operations": [%4$s, %5$s]}
				""".formatted(BRANCH_ID, PROJECT_ID, MAIN_BRANCH_ID,
				operation("c7ee9bea-c984-41ac-8672-9848714104bc", "suspend_compute", ENDPOINT_ID, "running", null),
				operation("41646f65-c692-4621-9538-32265f74ffe5", "delete_timeline", null, "scheduling", null)))));
		return this;
	}

	/** The create operation runs for the given number of polls and then fails with the given error. */
	public NeonApiStub failingCreateOperation(int runningPolls, String error) {
		createOperation(runningPolls, "failed", error);
		return this;
	}

	/** The create operation never finishes. */
	public NeonApiStub stuckCreateOperation() {
		stub(get(urlPathEqualTo(PROJECT + "/operations/" + CREATE_OPERATION_ID)).atPriority(1).willReturn(okJson(
				"{\"operation\": " + operation(CREATE_OPERATION_ID, "create_branch", null, "running", null) + "}")));
		return this;
	}

	/**
	 * The first {@code times} requests to create a branch get 429 Too Many Requests, with the given
	 * {@code Retry-After} value ({@code null} for none).
	 */
	public NeonApiStub rateLimitedCreate(int times, String retryAfter) {
		for (int i = 0; i < times; i++) {
			ResponseDefinitionBuilder tooMany = json(429,
					"{\"code\":\"\",\"message\":\"rate limit exceeded\",\"request_id\":\"req-429-" + i + "\"}");
			if (retryAfter != null) {
				tooMany.withHeader("Retry-After", retryAfter);
			}
			stub(post(urlPathEqualTo(PROJECT + "/branches")).atPriority(1)
				.inScenario("rate limit")
				.whenScenarioStateIs((i == 0) ? Scenario.STARTED : "refused-" + i)
				.willSetStateTo("refused-" + (i + 1))
				.willReturn(tooMany));
		}
		return this;
	}

	/** {@code GET /branches} lists these branches. */
	public NeonApiStub branchList(List<Branch> branches) {
		stub(get(urlPathEqualTo(PROJECT + "/branches")).willReturn(okJson(branchesJson(branches, null))));
		return this;
	}

	/** A {@code GET /branches} response body; {@code next} is the pagination cursor, or {@code null}. */
	public static String branchesJson(List<Branch> branches, String next) {
		StringBuilder json = new StringBuilder("{\"branches\": [");
		for (int i = 0; i < branches.size(); i++) {
			Branch branch = branches.get(i);
			json.append((i > 0) ? ", " : "").append("""
					{"id": "%s", "project_id": "%s", %s"name": "%s", "current_state": "%s", "logical_size": 28,
					 "created_at": "%s", "updated_at": "%s"}""".formatted(branch.id(), PROJECT_ID,
					(branch.parentId() != null) ? "\"parent_id\": \"" + branch.parentId() + "\", " : "", branch.name(),
					branch.currentState(), branch.createdAt(), branch.createdAt()));
		}
		json.append("]");
		if (next != null) {
			json.append(", \"pagination\": {\"next\": \"").append(next).append("\", \"sort_by\": \"updated_at\", \"sort_order\": \"DESC\"}");
		}
		return json.append("}").toString();
	}

	/** Every branch can be deleted. */
	public NeonApiStub anyBranchDeletable() {
		stub(delete(urlPathMatching(PROJECT + "/branches/br-[^/]+"))
			.willReturn(okJson("{\"branch\": {}, \"operations\": []}")));
		return this;
	}

	/** The requests to create a branch, in order. */
	public List<LoggedRequest> creates() {
		return this.server.findAll(postRequestedFor(urlPathEqualTo(PROJECT + "/branches")));
	}

	/** The requests to delete a branch, in order. */
	public List<LoggedRequest> deletes() {
		return this.server.findAll(deleteRequestedFor(urlPathMatching(PROJECT + "/branches/.*")));
	}

	/** The polls of the create operation. */
	public List<LoggedRequest> createOperationPolls() {
		return this.server.findAll(getRequestedFor(urlPathEqualTo(PROJECT + "/operations/" + CREATE_OPERATION_ID)));
	}

	/** The requests matching the pattern. */
	public List<LoggedRequest> requests(RequestPatternBuilder pattern) {
		return this.server.findAll(pattern);
	}

	/** All requests the stub received. */
	public int requestCount() {
		return this.server.getAllServeEvents().size();
	}

	@Override
	public void close() {
		this.server.stop();
	}

	@Override
	public void beforeEach(ExtensionContext context) {
		reset();
	}

	@Override
	public void afterAll(ExtensionContext context) {
		close();
	}

	private void createOperation(int runningPolls, String finalStatus, String error) {
		String path = PROJECT + "/operations/" + CREATE_OPERATION_ID;
		for (int poll = 0; poll < runningPolls; poll++) {
			stub(get(urlPathEqualTo(path)).inScenario("create operation")
				.whenScenarioStateIs((poll == 0) ? Scenario.STARTED : "polled-" + poll)
				.willSetStateTo("polled-" + (poll + 1))
				.willReturn(okJson("{\"operation\": "
						+ operation(CREATE_OPERATION_ID, "create_branch", null, "running", null) + "}")));
		}
		stub(get(urlPathEqualTo(path)).inScenario("create operation")
			.whenScenarioStateIs((runningPolls == 0) ? Scenario.STARTED : "polled-" + runningPolls)
			.willReturn(okJson("{\"operation\": "
					+ operation(CREATE_OPERATION_ID, "create_branch", null, finalStatus, error) + "}")));
	}

	private void connectionUri(boolean pooled, String uri) {
		stub(get(urlPathEqualTo(PROJECT + "/connection_uri")).withQueryParam("branch_id", equalTo(BRANCH_ID))
			.withQueryParam("endpoint_id", equalTo(ENDPOINT_ID))
			.withQueryParam("database_name", equalTo(DATABASE))
			.withQueryParam("role_name", equalTo(OWNER))
			.withQueryParam("pooled", equalTo(String.valueOf(pooled)))
			.willReturn(okJson("{\"uri\": \"" + uri + "\"}")));
	}

	/** Adds a stub that, like all others, answers only requests carrying the stub's API key. */
	public void stub(MappingBuilder mapping) {
		this.server.stubFor(mapping.withHeader("Authorization", equalTo("Bearer " + API_KEY)));
	}

	/** {@code /api/v2/projects/<project>} followed by the suffix. */
	public static String projectPath(String suffix) {
		return PROJECT + suffix;
	}

	private static String operation(String id, String action, String endpointId, String status, String error) {
		return """
				{"id": "%s", "project_id": "%s", "branch_id": "%s", %s"action": "%s", "status": "%s", %s"failures_count": %d,
				 "created_at": "2026-11-23T19:55:43Z", "updated_at": "2026-11-23T19:55:44Z", "total_duration_ms": 100}"""
			.formatted(id, PROJECT_ID, BRANCH_ID, (endpointId != null) ? "\"endpoint_id\": \"" + endpointId + "\", " : "",
					action, status, (error != null) ? "\"error\": \"" + error + "\", " : "", (error != null) ? 1 : 0);
	}

	private static ResponseDefinitionBuilder json(int status, String body) {
		return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
	}

/**
	 * A branch as the stub lists it (the API client's own type is not visible here: the client's tests use this
	 * module).
	 * @param id the branch id ({@code br-...})
	 * @param name its name
	 * @param parentId its parent's id, or {@code null} for the default branch
	 * @param createdAt when it was created
	 * @param currentState e.g. {@code ready}
	 */
	public record Branch(String id, String name, @Nullable String parentId, Instant createdAt, String currentState) {
	}

}
