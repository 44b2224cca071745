package dev.neonstarter.autoconfigure.api;

import java.util.List;

/**
 * The request and response bodies of the Neon API v2 that the client uses, as Jackson maps them (snake_case
 * names, unknown fields ignored). Only the fields the client reads are declared.
 */
final class NeonApiMessages {

	private NeonApiMessages() {
	}

	record CreateBranchRequest(BranchSpec branch, List<EndpointSpec> endpoints) {
	}

	/** {@code parent_id} is left out when null: Neon then branches from the project's default branch. */
	record BranchSpec(String name, String parentId) {
	}

	record EndpointSpec(String type) {
	}

	record CreateBranchResponse(NeonApiClient.Branch branch, List<Endpoint> endpoints, List<Operation> operations) {
	}

	record Endpoint(String id, String host, String type) {
	}

	record Operation(String id, String action, String status, String error, String branchId, String endpointId) {

		String describe() {
			return "'" + this.action + "' (" + this.id + ((this.branchId != null) ? ", branch " + this.branchId : "")
					+ ")";
		}

	}

	record OperationResponse(Operation operation) {
	}

	record BranchesResponse(List<NeonApiClient.Branch> branches, Pagination pagination) {
	}

	/** {@code next} is the cursor of the following page. */
	record Pagination(String next) {
	}

	record DatabasesResponse(List<Database> databases) {
	}

	record Database(String name, String ownerName) {
	}

	record ConnectionUriResponse(String uri) {
	}

	/** Neon's error body. */
	record ErrorResponse(String code, String message, String requestId) {
	}

	static <T> List<T> orEmpty(List<T> list) {
		return (list != null) ? list : List.of();
	}

}
