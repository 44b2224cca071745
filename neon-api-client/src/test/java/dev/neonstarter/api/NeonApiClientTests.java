package dev.neonstarter.api;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.neonstarter.testsupport.ChildJvm;
import dev.neonstarter.testsupport.NeonApiStub;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.extension.RegisterExtension;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The Neon API client against {@link NeonApiStub}, which answers with the shapes Neon documents. Waits are
 * recorded instead of slept, so retry and polling behaviour is asserted exactly.
 */
class NeonApiClientTests {

	private static final String POOLED = "postgresql://neondb_owner:npg_s3cret@ep-small-bush-675287-pooler.us-east-2.aws.neon.tech/neondb?sslmode=require&channel_binding=require";

	private static final String DIRECT = "postgresql://neondb_owner:npg_s3cret@ep-small-bush-675287.us-east-2.aws.neon.tech/neondb?sslmode=require&channel_binding=require";

	@RegisterExtension
	static final NeonApiStub neon = NeonApiStub.start();

	private final List<Duration> waits = new CopyOnWriteArrayList<>();

	private NeonApiClient client(NeonApiSettings settings) {
		return new NeonApiClient(settings, this.waits::add);
	}

	private NeonApiClient client() {
		return client(settings());
	}

	@Test
	void createsABranchWithAReadWriteEndpointWaitsForItsOperationsAndReturnsBothConnectionStrings() {
		neon.branchLifecycle(3, POOLED, DIRECT);
		NeonBranchConnection branch = client().createBranch("ci-test-20261123-195543-abc123", "main");

		assertThat(branch.id()).isEqualTo(NeonApiStub.BRANCH_ID);
		assertThat(branch.name()).isEqualTo("ci-test-20261123-195543-abc123");
		assertThat(branch.branch().parentId()).isEqualTo(NeonApiStub.MAIN_BRANCH_ID);
		assertThat(branch.branch().createdAt()).isEqualTo(Instant.parse("2026-11-23T19:55:43Z"));
		assertThat(branch.endpointId()).isEqualTo(NeonApiStub.ENDPOINT_ID);
		// As Neon returned them, parameters included: the starter parses them when it connects.
		assertThat(branch.pooledUri()).isEqualTo(POOLED);
		assertThat(branch.directUri()).isEqualTo(DIRECT);
		assertThat(branch.toString()).contains(NeonApiStub.BRANCH_ID, "neondb_owner:****@ep-small-bush-675287-pooler.",
				"neondb_owner:****@ep-small-bush-675287.", "channel_binding=require")
			.doesNotContain("npg_s3cret");

		// The parent was found by name; the body is the one Neon documents.
		LoggedRequest create = neon.creates().get(0);
		assertThat(create.getHeader("Authorization")).isEqualTo("Bearer " + NeonApiStub.API_KEY);
		assertThat(create.getHeader("Content-Type")).isEqualTo("application/json");
		assertThat(equalToJson("""
				{"branch": {"name": "ci-test-20261123-195543-abc123", "parent_id": "br-wispy-dew-591433"},
				 "endpoints": [{"type": "read_write"}]}""").match(create.getBodyAsString()).isExactMatch()).isTrue();
		// create_branch stayed running for 3 polls; start_compute was scheduling once.
		assertThat(neon.createOperationPolls()).hasSize(4);
		assertThat(this.waits).hasSize(5).containsOnly(Duration.ofMillis(10));
		assertThat(neon.deletes()).isEmpty();
	}

	@Test
	void branchesFromTheProjectsDefaultBranchWhenNoParentIsGiven() {
		neon.branchLifecycle(0, POOLED, DIRECT);
		client().createBranch("ci-test-x", null);
		assertThat(equalToJson("{\"branch\": {\"name\": \"ci-test-x\"}, \"endpoints\": [{\"type\": \"read_write\"}]}")
			.match(neon.creates().get(0).getBodyAsString())
			.isExactMatch()).isTrue();
		assertThat(neon.requests(getRequestedFor(urlPathEqualTo(NeonApiStub.projectPath("/branches"))))).isEmpty();
	}

	@Test
	void aParentGivenByIdIsSentAsIs() {
		neon.branchLifecycle(0, POOLED, DIRECT);
		client().createBranch("ci-test-x", "br-shy-meadow-151383");
		assertThat(neon.creates().get(0).getBodyAsString()).contains("\"parent_id\":\"br-shy-meadow-151383\"");
		assertThat(neon.requests(getRequestedFor(urlPathEqualTo(NeonApiStub.projectPath("/branches"))))).isEmpty();
	}

	@Test
	void anUnknownParentFailsNamingTheBranchesThatExist() {
		neon.branchLifecycle(0, POOLED, DIRECT);
		assertThatExceptionOfType(NeonApiException.class).isThrownBy(() -> client().createBranch("ci-test-x", "staging"))
			.withMessage("Neon project autumn-disk-484331 has no branch named 'staging' to branch from (it has: main, dev)");
		assertThat(neon.creates()).isEmpty();
	}

	@Test
	void aFailedOperationFailsClearlyAndTheBranchIsDeleted() {
		neon.branchLifecycle(0, POOLED, DIRECT).failingCreateOperation(2, "pageserver is unavailable");
		assertThatExceptionOfType(NeonApiException.class).isThrownBy(() -> client().createBranch("ci-test-x", "main"))
			.withMessage("Neon operation 'create_branch' (" + NeonApiStub.CREATE_OPERATION_ID + ", branch "
					+ NeonApiStub.BRANCH_ID + ") ended with status 'failed': pageserver is unavailable");
		assertThat(neon.createOperationPolls()).hasSize(3);
		assertThat(neon.deletes()).singleElement()
			.satisfies((delete) -> assertThat(delete.getUrl()).endsWith("/branches/" + NeonApiStub.BRANCH_ID));
	}

	@Test
	void anOperationThatNeverFinishesTimesOutAndTheBranchIsDeleted() {
		neon.branchLifecycle(0, POOLED, DIRECT).stuckCreateOperation();
		NeonApiClient client = new NeonApiClient(settings().withOperationTimeout(Duration.ofMillis(200)));
		assertThatExceptionOfType(NeonApiException.class).isThrownBy(() -> client.createBranch("ci-test-x", "main"))
			.withMessage("Neon operation 'create_branch' (" + NeonApiStub.CREATE_OPERATION_ID + ", branch "
					+ NeonApiStub.BRANCH_ID + ") did not finish within 0.2s (last status 'running');"
					+ " raise neon.api.operation-timeout if Neon is slow");
		assertThat(neon.createOperationPolls()).isNotEmpty();
		assertThat(neon.deletes()).hasSize(1);
	}

	@Test
	void aRateLimitedPollDoesNotWaitPastTheOperationTimeout() {
		neon.branchLifecycle(0, POOLED, DIRECT);
		neon.stub(get(urlPathEqualTo(NeonApiStub.projectPath("/operations/" + NeonApiStub.CREATE_OPERATION_ID)))
			.atPriority(1)
			.willReturn(aResponse().withStatus(429).withHeader("Retry-After", "60")));
		VirtualTime time = new VirtualTime();
		NeonApiClient client = new NeonApiClient(settings().withOperationTimeout(Duration.ofSeconds(10)), time);
		assertThatExceptionOfType(NeonApiException.class).isThrownBy(() -> client.createBranch("ci-test-x", "main"))
			.withMessageContaining("answered HTTP 429 and asked to wait 1m, past neon.api.operation-timeout (10s)");
		assertThat(time.waited()).isLessThanOrEqualTo(Duration.ofSeconds(10));
		assertThat(neon.deletes()).hasSize(1);
	}

	@Test
	void theLastWaitBetweenPollsEndsAtTheOperationTimeout() {
		neon.branchLifecycle(0, POOLED, DIRECT).stuckCreateOperation();
		VirtualTime time = new VirtualTime();
		NeonApiClient client = new NeonApiClient(settings().withPollInterval(Duration.ofSeconds(3))
			.withOperationTimeout(Duration.ofSeconds(10)), time);
		assertThatExceptionOfType(NeonApiException.class).isThrownBy(() -> client.createBranch("ci-test-x", "main"))
			.withMessageContaining("did not finish within 10s");
		assertThat(time.waits).containsExactly(Duration.ofSeconds(3), Duration.ofSeconds(3), Duration.ofSeconds(3),
				Duration.ofSeconds(1));
	}

	/** A clock that moves only by the waits it is asked for. */
	static final class VirtualTime implements NeonApiClient.Sleeper {

		final List<Duration> waits = new CopyOnWriteArrayList<>();

		@Override
		public void sleep(Duration duration) {
			this.waits.add(duration);
		}

		@Override
		public long nanoTime() {
			return waited().toNanos();
		}

		Duration waited() {
			return this.waits.stream().reduce(Duration.ZERO, Duration::plus);
		}

	}

	@Test
	void tooManyRequestsIsRetriedAfterTheServersRetryAfter() {
		neon.branchLifecycle(0, POOLED, DIRECT).rateLimitedCreate(2, "3");
		NeonBranchConnection branch = client().createBranch("ci-test-x", null);
		assertThat(branch.id()).isEqualTo(NeonApiStub.BRANCH_ID);
		assertThat(neon.creates()).hasSize(3);
		assertThat(this.waits).startsWith(Duration.ofSeconds(3), Duration.ofSeconds(3));
	}

	@Test
	void retryAfterMayBeAnHttpDate() {
		neon.branchLifecycle(0, POOLED, DIRECT)
			.rateLimitedCreate(1, DateTimeFormatter.RFC_1123_DATE_TIME
				.format(Instant.now().plusSeconds(30).atOffset(ZoneOffset.UTC)));
		client().createBranch("ci-test-x", null);
		assertThat(this.waits.get(0)).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(30));
	}

	@Test
	void withoutRetryAfterTheBackoffDoubles() {
		neon.branchLifecycle(0, POOLED, DIRECT).rateLimitedCreate(3, null);
		client().createBranch("ci-test-x", null);
		assertThat(neon.creates()).hasSize(4);
		assertThat(this.waits).startsWith(Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(40));
	}

	@Test
	void tooManyRequestsFailsClearlyOnceTheRetriesAreUsedUp() {
		neon.branchLifecycle(0, POOLED, DIRECT).rateLimitedCreate(10, "1");
		assertThatExceptionOfType(NeonApiException.class)
			.isThrownBy(() -> client(settings().withMaxRetries(2)).createBranch("ci-test-x", null))
			.withMessage("The Neon API rate limit (700 requests per minute) still refused POST"
					+ " /projects/autumn-disk-484331/branches after 2 retries (429 Too Many Requests): rate limit"
					+ " exceeded (request id req-429-2)")
			.satisfies((ex) -> assertThat(ex.getStatusCode()).isEqualTo(429));
		assertThat(neon.creates()).hasSize(3);
		assertThat(this.waits).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(1));
	}

	@Test
	void lockedIsRetriedLikeTooManyRequests() {
		neon.branchLifecycle(0, POOLED, DIRECT);
		neon.stub(post(urlPathEqualTo(NeonApiStub.projectPath("/branches"))).atPriority(1)
			.inScenario("locked")
			.whenScenarioStateIs(Scenario.STARTED)
			.willSetStateTo("unlocked")
			.willReturn(aResponse().withStatus(423)
				.withHeader("Content-Type", "application/json")
				.withBody("{\"code\":\"\",\"message\":\"project already has running operations\"}")));
		assertThat(client().createBranch("ci-test-x", null).id()).isEqualTo(NeonApiStub.BRANCH_ID);
		assertThat(neon.creates()).hasSize(2);
		assertThat(this.waits).startsWith(Duration.ofMillis(10));
	}

	@Test
	void aReadOrADeleteThatMetAnUnavailableGatewayIsRetried() {
		String path = NeonApiStub.projectPath("/branches");
		neon.stub(get(urlPathEqualTo(path)).atPriority(1)
			.inScenario("gateway")
			.whenScenarioStateIs(Scenario.STARTED)
			.willSetStateTo("back")
			.willReturn(aResponse().withStatus(503).withBody("upstream unavailable")));
		neon.stub(get(urlPathEqualTo(path)).willReturn(okJson(NeonApiStub.branchesJson(List.of(), null))));
		assertThat(client().listBranches()).isEmpty();
		neon.stub(delete(urlPathEqualTo(path + "/br-left-1")).atPriority(1)
			.inScenario("gateway-delete")
			.whenScenarioStateIs(Scenario.STARTED)
			.willSetStateTo("back")
			.willReturn(aResponse().withStatus(502)));
		neon.anyBranchDeletable();
		assertThat(client().deleteBranch("br-left-1")).isTrue();
		assertThat(neon.requestCount()).isEqualTo(4);
		assertThat(this.waits).containsExactly(Duration.ofMillis(10), Duration.ofMillis(10));
	}

	@Test
	void aReadThatKeepsMeetingAnUnavailableGatewayFailsOnceTheRetriesAreUsedUp() {
		neon.stub(get(urlPathEqualTo(NeonApiStub.projectPath("/branches")))
			.willReturn(aResponse().withStatus(504).withBody("gateway timeout")));
		assertThatExceptionOfType(NeonApiException.class)
			.isThrownBy(() -> client(settings().withMaxRetries(2)).listBranches())
			.withMessage("Neon API GET /projects/autumn-disk-484331/branches failed with HTTP 504 (after 2 retries)")
			.satisfies((ex) -> assertThat(ex.getStatusCode()).isEqualTo(504));
		assertThat(neon.requestCount()).isEqualTo(3);
	}

	@Test
	void theRequestThatCreatesABranchIsNotSentAgainAfterAServerError() {
		neon.stub(post(urlPathEqualTo(NeonApiStub.projectPath("/branches")))
			.willReturn(aResponse().withStatus(503).withBody("upstream unavailable")));
		assertThatExceptionOfType(NeonApiException.class).isThrownBy(() -> client().createBranch("ci-test-x", null))
			.withMessage("Neon API POST /projects/autumn-disk-484331/branches failed with HTTP 503");
		assertThat(neon.creates()).hasSize(1);
		assertThat(this.waits).isEmpty();
	}

	@Test
	void aLongRetryAfterIsWaitedForAMinuteAtMost() {
		neon.branchLifecycle(0, POOLED, DIRECT).rateLimitedCreate(1, "3600");
		client().createBranch("ci-test-x", null);
		assertThat(this.waits).startsWith(Duration.ofSeconds(60));
	}

	@Test
	void aBranchStillBeingCreatedIsDeletedWhenTheJvmIsStopped() throws Exception {
		neon.branchLifecycle(0, POOLED, DIRECT).stuckCreateOperation();
		try (ChildJvm child = ChildJvm.start(CreatingJvm.class, neon.baseUrl())) {
			assertThat(child.await(() -> !neon.createOperationPolls().isEmpty()))
				.as("the child JVM waits for its branch")
				.isTrue();
			assertThat(neon.deletes()).isEmpty();
			assertThat(child.stop()).isTrue();
		}
		assertThat(neon.creates()).hasSize(1);
		assertThat(neon.deletes()).singleElement()
			.satisfies((delete) -> assertThat(delete.getUrl()).endsWith("/branches/" + NeonApiStub.BRANCH_ID));
	}

	/** A JVM that creates a branch on the stub at {@code args[0]}, whose operation never finishes. */
	static final class CreatingJvm {

		public static void main(String[] args) {
			new NeonApiClient(NeonApiSettings.of(NeonApiStub.API_KEY, NeonApiStub.PROJECT_ID)
				.withBaseUrl(args[0])
				.withPollInterval(Duration.ofMillis(10))
				.withOperationTimeout(Duration.ofMinutes(5))).createBranch("ci-test-stopped", null);
		}

	}

	@Test
	void otherFailuresAreNotRetried() {
		neon.stub(get(urlPathEqualTo(NeonApiStub.projectPath("/branches")))
			.willReturn(aResponse().withStatus(500).withBody("internal error")));
		assertThatExceptionOfType(NeonApiException.class).isThrownBy(() -> client().listBranches())
			.withMessage("Neon API GET /projects/autumn-disk-484331/branches failed with HTTP 500")
			.satisfies((ex) -> assertThat(ex.getStatusCode()).isEqualTo(500));
		assertThat(neon.requestCount()).isEqualTo(1);
		assertThat(this.waits).isEmpty();
	}

	@Test
	void anInterruptedRetryWaitFailsClearlyAndKeepsTheInterrupt() {
		neon.branchLifecycle(0, POOLED, DIRECT).rateLimitedCreate(1, "1");
		NeonApiClient client = new NeonApiClient(settings(), (duration) -> {
			throw new InterruptedException();
		});
		try {
			assertThatExceptionOfType(NeonApiException.class).isThrownBy(() -> client.createBranch("ci-test-x", null))
				.withMessage("Interrupted while waiting for the Neon API");
			assertThat(Thread.currentThread().isInterrupted()).isTrue();
		}
		finally {
			Thread.interrupted();
		}
		assertThat(neon.creates()).hasSize(1);
	}

	@Test
	void anInterruptedWaitForTheOperationsStillDeletesTheBranchAndKeepsTheInterrupt() {
		neon.branchLifecycle(3, POOLED, DIRECT);
		NeonApiClient client = new NeonApiClient(settings(), (duration) -> {
			throw new InterruptedException();
		});
		try {
			assertThatExceptionOfType(NeonApiException.class).isThrownBy(() -> client.createBranch("ci-test-x", null))
				.withMessage("Interrupted while waiting for the Neon API");
			assertThat(Thread.currentThread().isInterrupted()).isTrue();
		}
		finally {
			Thread.interrupted();
		}
		assertThat(neon.creates()).hasSize(1);
		assertThat(neon.deletes()).singleElement()
			.satisfies((delete) -> assertThat(delete.getUrl()).endsWith("/branches/" + NeonApiStub.BRANCH_ID));
	}

	@Test
	void aBranchIsDeletedByAnInterruptedThreadWhichStaysInterrupted() {
		neon.anyBranchDeletable();
		Thread.currentThread().interrupt();
		try {
			assertThat(client().deleteBranch("br-left-behind-1")).isTrue();
			assertThat(Thread.currentThread().isInterrupted()).isTrue();
		}
		finally {
			Thread.interrupted();
		}
		assertThat(neon.deletes()).hasSize(1);
	}

	@Test
	void aConnectionUriThatCannotBeUsedFailsWithoutQuotingItAndTheBranchIsDeleted() {
		neon.branchLifecycle(0, "mysql://neondb_owner:npg_s3cret@ep-small-bush-675287-pooler.us-east-2.aws.neon.tech/neondb",
				DIRECT);
		assertThatExceptionOfType(NeonApiException.class).isThrownBy(() -> client().createBranch("ci-test-x", null))
			.withMessage("The Neon API returned a pooled connection URI for branch " + NeonApiStub.BRANCH_ID
					+ " that cannot be used: it is not a postgresql:// URI");
		assertThat(neon.deletes()).hasSize(1);
		assertThat(NeonApiClient.problem("postgresql://u:p@host/db")).isNull();
		assertThat(NeonApiClient.problem("postgres://host")).isNull();
		assertThat(NeonApiClient.problem(" ")).isEqualTo("it is empty");
		assertThat(NeonApiClient.problem("postgresql://u:p@/db")).isEqualTo("it names no host");
		assertThat(NeonApiClient.problem("postgresql://u:p w@host/db")).isEqualTo("it is not a URI");
	}

	@Test
	void aRejectedKeyFailsWithAClearMessageThatDoesNotShowIt() {
		neon.branchLifecycle(0, POOLED, DIRECT);
		NeonApiSettings settings = settings().withKey("napi_revoked_key_987654321");
		NeonApiClient client = client(settings);
		assertThatExceptionOfType(NeonApiException.class).isThrownBy(() -> client.createBranch("ci-test-x", null))
			.withMessage("The Neon API rejected the API key (401 Unauthorized) for POST /projects/autumn-disk-484331/branches:"
					+ " authentication required: check the NEON_API_KEY environment variable or neon.api.key; it must be a"
					+ " current key from the Neon console (Account settings > API keys)")
			.satisfies((ex) -> assertThat(ex.getStatusCode()).isEqualTo(401));
		assertThat(client.toString()).isEqualTo("NeonApiClient[" + neon.baseUrl() + ", project autumn-disk-484331]");
		assertThat(settings.toString()).contains("key=****").doesNotContain("napi_revoked_key_987654321");
	}

	@Test
	void listsBranchesFollowingThePaginationCursor() {
		NeonApiClient.Branch main = new NeonApiClient.Branch(NeonApiStub.MAIN_BRANCH_ID, "main", null,
				Instant.parse("2022-12-07T00:45:05Z"), "ready");
		NeonApiClient.Branch dev = new NeonApiClient.Branch("br-shy-meadow-151383", "dev", NeonApiStub.MAIN_BRANCH_ID,
				Instant.parse("2022-12-07T10:00:00Z"), "ready");
		String path = NeonApiStub.projectPath("/branches");
		neon.stub(get(urlPathEqualTo(path)).withQueryParam("cursor", absent())
			.willReturn(okJson(NeonApiStub.branchesJson(List.of(stubbed(main)), "c2"))));
		neon.stub(get(urlPathEqualTo(path)).withQueryParam("cursor", equalTo("c2"))
			.willReturn(okJson(NeonApiStub.branchesJson(List.of(stubbed(dev)), "c3"))));
		neon.stub(get(urlPathEqualTo(path)).withQueryParam("cursor", equalTo("c3"))
			.willReturn(okJson(NeonApiStub.branchesJson(List.of(), null))));
		assertThat(client().listBranches()).containsExactly(main, dev);
	}

	@Test
	void deletingABranchThatIsGoneIsNotAnError() {
		neon.stub(delete(urlPathEqualTo(NeonApiStub.projectPath("/branches/br-gone-1"))).atPriority(1)
			.willReturn(aResponse().withStatus(404).withBody("{\"code\":\"\",\"message\":\"branch not found\"}")));
		neon.anyBranchDeletable();
		assertThat(client().deleteBranch("br-gone-1")).isFalse();
		assertThat(client().deleteBranch("br-other-2")).isTrue();
	}

	@Test
	void severalDatabasesNeedOneToBeNamed() {
		neon.branchLifecycle(0, POOLED, DIRECT);
		neon.stub(get(urlPathEqualTo(NeonApiStub.projectPath("/branches/" + NeonApiStub.BRANCH_ID + "/databases")))
			.atPriority(1)
			.willReturn(okJson("{\"databases\": [{\"name\": \"neondb\", \"owner_name\": \"neondb_owner\"},"
					+ " {\"name\": \"analytics\", \"owner_name\": \"analyst\"}]}")));
		assertThatExceptionOfType(NeonApiException.class).isThrownBy(() -> client().createBranch("ci-test-x", null))
			.withMessage("Neon branch br-dawn-scene-747675 has 2 databases (neondb, analytics): name the one to connect to");
		assertThat(neon.deletes()).hasSize(1);
		NeonBranchConnection named = client().createBranch("ci-test-y", null, "neondb", "neondb_owner");
		assertThat(named.pooledUri()).isEqualTo(POOLED);
	}

	@Test
	void aMissingKeyOrProjectFailsClearly() {
		NeonApiSettings noKey = settings().withKey(" ");
		assertThatIllegalStateException().isThrownBy(() -> new NeonApiClient(noKey))
			.withMessageStartingWith("No Neon API key: set the NEON_API_KEY environment variable or neon.api.key");
		NeonApiSettings noProject = settings().withProjectId(null);
		assertThatIllegalStateException().isThrownBy(() -> new NeonApiClient(noProject))
			.withMessageStartingWith("No Neon project id: set the NEON_PROJECT_ID environment variable or"
					+ " neon.api.project-id");
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', quoteCharacter = '`', value = { "Bearer napi_0123456789abcdef|starts with 'Bearer '",
			"bearer napi_0123456789abcdef|starts with 'Bearer '", "\"napi_0123456789abcdef\"|is in quotes",
			"'napi_0123456789abcdef'|is in quotes" })
	void aKeyCopiedWithItsHeaderOrQuotesIsNamedSoWithoutShowingIt(String key, String problem) {
		assertThatIllegalStateException().isThrownBy(() -> client(settings().withKey(key)).listBranches())
			.withMessageStartingWith("The Neon API key " + problem)
			.withMessageContaining("set NEON_API_KEY or neon.api.key to the key alone")
			.satisfies((ex) -> assertThat(ex.getMessage()).doesNotContain("0123456789abcdef"));
		assertThat(neon.requestCount()).isZero();
	}

	@Test
	void aKeyAnHttpHeaderCannotCarryFailsClearlyWithoutShowingIt() {
		// Two lines of a secret file, say: the JDK's own message would quote the whole Authorization header.
		NeonApiSettings settings = settings().withKey("napi_first_line_0123\nnapi_second_line_4567");
		assertThatIllegalStateException().isThrownBy(() -> client(settings).listBranches())
			.withMessage("The Neon API key contains a line break, a space or another character that Neon's keys do"
					+ " not have (character 21 of 42): set NEON_API_KEY or neon.api.key to the key alone, as the"
					+ " Neon console shows it")
			.satisfies((ex) -> assertThat(ex.getMessage()).doesNotContain("napi_first", "second_line"));
		assertThat(neon.requestCount()).isZero();
	}

	@Test
	void aResponseWhoseBodyStallsFailsAfterTheRequestTimeout() throws IOException {
		try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			Thread stalling = new Thread(() -> {
				try (Socket socket = server.accept()) {
					socket.setSoTimeout(20_000);
					socket.getInputStream().read(new byte[8192]);
					// The status line and headers at once, then 13 of the 100 bytes announced, then nothing.
					socket.getOutputStream()
						.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"
								+ "{\"branches\": ").getBytes(StandardCharsets.US_ASCII));
					socket.getOutputStream().flush();
					socket.getInputStream().read();
				}
				catch (IOException ex) {
					// the client gave up
				}
			});
			stalling.setDaemon(true);
			stalling.start();
			NeonApiClient client = client(
					settings().withBaseUrl("http://127.0.0.1:" + server.getLocalPort() + "/api/v2")
						.withRequestTimeout(Duration.ofMillis(300)));
			assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThatExceptionOfType(NeonApiException.class)
				.isThrownBy(client::listBranches)
				.withMessage("Neon API GET /projects/autumn-disk-484331/branches did not answer within 0.3s: raise"
						+ " neon.api.request-timeout if the network to Neon is slow")
				.satisfies((ex) -> assertThat(ex.getStatusCode()).isZero()));
		}
	}

	/** Client settings for the stub: its key, project and URL, 10 ms polls and retries. */
	private NeonApiSettings settings() {
		return NeonApiSettings.of(NeonApiStub.API_KEY, NeonApiStub.PROJECT_ID)
			.withBaseUrl(neon.baseUrl())
			.withPollInterval(Duration.ofMillis(10))
			.withRetryBackoff(Duration.ofMillis(10));
	}

	private static NeonApiStub.Branch stubbed(NeonApiClient.Branch branch) {
		return new NeonApiStub.Branch(branch.id(), branch.name(), branch.parentId(), branch.createdAt(),
				branch.currentState());
	}

}
