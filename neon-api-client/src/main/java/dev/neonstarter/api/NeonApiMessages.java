package dev.neonstarter.api;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The request and response bodies of the Neon API v2 that the client uses, as Jackson maps them (snake_case
 * names, unknown fields ignored). Only the fields the client reads are declared. What Neon may leave out is
 * {@code @Nullable}; the client checks what it relies on.
 */
final class NeonApiMessages {

	private NeonApiMessages() {
	}

	record CreateBranchRequest(BranchSpec branch, List<EndpointSpec> endpoints) {
	}

	/** {@code parent_id} is left out when null: Neon then branches from the project's default branch. */
	record BranchSpec(String name, @Nullable String parentId) {
	}

	record EndpointSpec(String type) {
	}

	record CreateBranchResponse(NeonApiClient.Branch branch, @Nullable List<Endpoint> endpoints,
			@Nullable List<Operation> operations) {
	}

	record Endpoint(String id, @Nullable String host, @Nullable String type) {
	}

	record Operation(String id, @Nullable String action, @Nullable String status, @Nullable String error,
			@Nullable String branchId, @Nullable String endpointId) {

		String describe() {
			return "'" + this.action + "' (" + this.id + ((this.branchId != null) ? ", branch " + this.branchId : "")
					+ ")";
		}

	}

	record OperationResponse(Operation operation) {
	}

	record BranchesResponse(@Nullable List<NeonApiClient.Branch> branches, @Nullable Pagination pagination) {
	}

	/** {@code next} is the cursor of the following page. */
	record Pagination(@Nullable String next) {
	}

	record DatabasesResponse(@Nullable List<Database> databases) {
	}

	record Database(String name, String ownerName) {
	}

	record ConnectionUriResponse(@Nullable String uri) {
	}

	/** Neon's error body. */
	record ErrorResponse(@Nullable String code, @Nullable String message, @Nullable String requestId) {
	}

	static <T> List<T> orEmpty(@Nullable List<T> list) {
		return (list != null) ? list : List.of();
	}

}
