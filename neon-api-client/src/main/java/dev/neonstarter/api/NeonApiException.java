package dev.neonstarter.api;

/**
 * A Neon API request failed, was refused, or started an operation that failed or did not finish in time. The
 * message says what and why; it never contains the API key.
 */
public class NeonApiException extends RuntimeException {

	private final int statusCode;

	public NeonApiException(String message, int statusCode) {
		super(message);
		this.statusCode = statusCode;
	}

	public NeonApiException(String message, int statusCode, Throwable cause) {
		super(message, cause);
		this.statusCode = statusCode;
	}

	/** The HTTP status of the response, or 0 when there was none (network failure, failed operation, timeout). */
	public int getStatusCode() {
		return this.statusCode;
	}

}
