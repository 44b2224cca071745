package dev.neonstarter.test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import dev.neonstarter.api.NeonApiClient;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.util.Assert;

/**
 * Names of test branches, and cleanup of the ones a killed or cancelled run left behind.
 */
public final class NeonBranches {

	/** The default start of test branch names. */
	public static final String DEFAULT_PREFIX = "ci-test";

	private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
		.withZone(ZoneOffset.UTC);

	private static final String SUFFIX_CHARACTERS = "abcdefghijklmnopqrstuvwxyz0123456789";

	private NeonBranches() {
	}

	/**
	 * A new branch name: the prefix, the UTC time and six random characters, e.g.
	 * {@code ci-test-20261123-195543-k3x9qa}.
	 * @param prefix the start of the name
	 * @return the name
	 */
	public static String newName(String prefix) {
		return newName(prefix, Instant.now());
	}

	static String newName(String prefix, Instant now) {
		Assert.hasText(prefix, "The branch name prefix must not be empty");
		StringBuilder name = new StringBuilder(prefix).append('-').append(TIMESTAMP.format(now)).append('-');
		for (int i = 0; i < 6; i++) {
			name.append(SUFFIX_CHARACTERS.charAt(ThreadLocalRandom.current().nextInt(SUFFIX_CHARACTERS.length())));
		}
		return name.toString();
	}

	/**
	 * Deletes the branches named {@code <prefix>-…} that were created more than {@code olderThan} ago: test
	 * branches whose run was killed before it could delete them. Choose {@code olderThan} above the longest test
	 * run, so branches of runs still going are left alone.
	 * @param client the Neon API client
	 * @param prefix the name prefix the test branches were created with
	 * @param olderThan minimum age of a branch to delete
	 * @return the deleted branches
	 */
	public static List<NeonApiClient.Branch> deleteStale(NeonApiClient client, String prefix, Duration olderThan) {
		Assert.hasText(prefix, "The prefix must not be empty: it limits the cleanup to test branches");
		Instant cutoff = Instant.now().minus(olderThan);
		List<NeonApiClient.Branch> stale = client.listBranches()
			.stream()
			.filter((branch) -> branch.name() != null && branch.name().startsWith(prefix + "-"))
			.filter((branch) -> branch.createdAt() != null && branch.createdAt().isBefore(cutoff))
			.toList();
		stale.forEach((branch) -> client.deleteBranch(branch.id()));
		return stale;
	}

	/**
	 * {@link #deleteStale(NeonApiClient, String, Duration)} with a client configured from the
	 * {@code NEON_API_KEY} and {@code NEON_PROJECT_ID} environment variables (or {@code neon.api.*} system
	 * properties).
	 * @param prefix the name prefix the test branches were created with
	 * @param olderThan minimum age of a branch to delete
	 * @return the deleted branches
	 */
	public static List<NeonApiClient.Branch> deleteStale(String prefix, Duration olderThan) {
		return deleteStale(new NeonApiClient(NeonApiEnvironment.settings(new StandardEnvironment())), prefix,
				olderThan);
	}

	/**
	 * Deletes stale test branches from the command line: arguments {@code [prefix [older-than]]}, by default
	 * {@value #DEFAULT_PREFIX} and {@code 2h}.
	 * @param args the prefix and the minimum age ({@code 90m}, {@code 2h}, {@code PT2H})
	 */
	public static void main(String[] args) {
		String prefix = (args.length > 0) ? args[0] : DEFAULT_PREFIX;
		Duration olderThan = (args.length > 1) ? DurationStyle.detectAndParse(args[1]) : Duration.ofHours(2);
		List<NeonApiClient.Branch> deleted = deleteStale(prefix, olderThan);
		deleted.forEach((branch) -> System.out.println("Deleted " + branch.name() + " (" + branch.id() + ", created "
				+ branch.createdAt() + ")"));
		System.out.println(
				deleted.size() + " branch(es) named " + prefix + "-… older than " + olderThan + " deleted");
	}

}
