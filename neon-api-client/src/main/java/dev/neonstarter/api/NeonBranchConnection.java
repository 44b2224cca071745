package dev.neonstarter.api;

/**
 * A Neon branch ready to connect to: its read-write endpoint has started and both connection URIs are known,
 * as Neon returns them ({@code postgresql://role:password@host/database?sslmode=require…}). The starter takes
 * them as {@code neon.url} (pooled) and {@code neon.direct-url} (direct), which is what {@code @NeonBranch} sets
 * for a Spring test. {@link #toString()} masks the passwords.
 *
 * @param branch the branch
 * @param endpointId the id of its read-write compute endpoint
 * @param pooledUri the connection URI of the pooled ({@code -pooler}) endpoint
 * @param directUri the connection URI of the direct endpoint
 */
public record NeonBranchConnection(NeonApiClient.Branch branch, String endpointId, String pooledUri,
		String directUri) {

	/** The branch name. */
	public String name() {
		return this.branch.name();
	}

	/** The branch id ({@code br-…}). */
	public String id() {
		return this.branch.id();
	}

	@Override
	public String toString() {
		return "NeonBranchConnection[branch=" + this.branch + ", endpointId=" + this.endpointId + ", pooled="
				+ masked(this.pooledUri) + ", direct=" + masked(this.directUri) + "]";
	}

	/** The URI with the password of its user information, and any {@code password} parameter, masked. */
	static String masked(String uri) {
		int scheme = uri.indexOf("://");
		int authorityStart = (scheme >= 0) ? scheme + 3 : 0;
		// The user information ends at the last @ before the first / (as libpq reads it), so a raw ? or # in a
		// password is masked with the rest of it.
		int slash = uri.indexOf('/', authorityStart);
		int authorityEnd = (slash < 0) ? uri.length() : slash;
		int userInfoEnd = uri.lastIndexOf('@', authorityEnd - 1);
		if (userInfoEnd < authorityStart) {
			authorityEnd = authorityStart;
			while (authorityEnd < uri.length() && "/?#".indexOf(uri.charAt(authorityEnd)) < 0) {
				authorityEnd++;
			}
		}
		String authority = uri.substring(authorityStart, authorityEnd);
		int at = authority.lastIndexOf('@');
		if (at >= 0) {
			int colon = authority.indexOf(':');
			if (colon >= 0 && colon < at) {
				authority = authority.substring(0, colon + 1) + "****" + authority.substring(at);
			}
		}
		String rest = uri.substring(authorityEnd).replaceAll("(?i)([?&]password=)[^&#]*", "$1****");
		return uri.substring(0, authorityStart) + authority + rest;
	}

}
