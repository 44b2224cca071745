package dev.neonstarter.test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.neonstarter.api.NeonApiClient;
import dev.neonstarter.api.NeonApiClient.Branch;
import dev.neonstarter.api.NeonApiSettings;
import dev.neonstarter.testsupport.NeonApiStub;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class NeonBranchesTests {

	@Test
	void namesCarryThePrefixTheUtcTimeAndARandomSuffix() {
		String name = NeonBranches.newName("ci-test", Instant.parse("2026-11-23T19:55:43Z"));
		assertThat(name).matches("ci-test-20261123-195543-[a-z0-9]{6}");
		assertThat(NeonBranches.newName("ci-test")).isNotEqualTo(NeonBranches.newName("ci-test"));
	}

	@Test
	void deleteStaleDeletesOnlyOldBranchesWithThePrefix() {
		Instant old = Instant.now().minus(Duration.ofHours(5));
		Instant recent = Instant.now().minus(Duration.ofMinutes(5));
		try (NeonApiStub neon = NeonApiStub.start()) {
			neon.branchList(List.of(new NeonApiStub.Branch(NeonApiStub.MAIN_BRANCH_ID, "main", null, old, "ready"),
					new NeonApiStub.Branch("br-leaked-1", "ci-test-20261123-100000-aaaaaa", NeonApiStub.MAIN_BRANCH_ID, old, "ready"),
					new NeonApiStub.Branch("br-running-2", "ci-test-20261123-145500-bbbbbb", NeonApiStub.MAIN_BRANCH_ID, recent,
							"ready"),
					new NeonApiStub.Branch("br-other-3", "ci-testing-data", NeonApiStub.MAIN_BRANCH_ID, old, "ready")))
				.anyBranchDeletable();
			NeonApiClient client = new NeonApiClient(
					NeonApiSettings.of(NeonApiStub.API_KEY, NeonApiStub.PROJECT_ID).withBaseUrl(neon.baseUrl()));
			List<Branch> deleted = NeonBranches.deleteStale(client, "ci-test", Duration.ofHours(2));
			assertThat(deleted).extracting(Branch::id).containsExactly("br-leaked-1");
			assertThat(neon.deletes()).singleElement()
				.satisfies((delete) -> assertThat(delete.getUrl()).endsWith("/branches/br-leaked-1"));
		}
	}

	@Test
	void anEmptyPrefixWouldDeleteTooMuch() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> NeonBranches.deleteStale((NeonApiClient) null, "", Duration.ofHours(1)))
			.withMessageContaining("limits the cleanup to test branches");
	}

}
