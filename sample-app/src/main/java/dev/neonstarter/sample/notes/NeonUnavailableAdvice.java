package dev.neonstarter.sample.notes;

import java.time.Duration;

import dev.neonstarter.connection.NeonUnavailableException;
import dev.neonstarter.resilience.NeonTransientErrors;

import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * While Neon is unavailable, answer 503 with {@code Retry-After}: at once while the circuit breaker is open,
 * and also for a connection-class failure that got past the retries (a compute still resuming, PgBouncer's
 * {@code query_wait_timeout}, HikariCP's connection timeout). Those are "try again", not a server bug (500).
 * Spring wraps JDBC failures in a {@code DataAccessException}, so the open breaker's
 * {@link NeonUnavailableException} is usually found among its causes.
 */
@RestControllerAdvice
class NeonUnavailableAdvice {

	private static final Duration RETRY_AFTER_TRANSIENT = Duration.ofSeconds(1);

	private final NeonTransientErrors transientErrors;

	NeonUnavailableAdvice(NeonTransientErrors transientErrors) {
		this.transientErrors = transientErrors;
	}

	@ExceptionHandler(NeonUnavailableException.class)
	ResponseEntity<ProblemDetail> unavailable(NeonUnavailableException ex) {
		return serviceUnavailable(ex.getRetryAfter());
	}

	@ExceptionHandler(DataAccessException.class)
	ResponseEntity<ProblemDetail> dataAccessFailure(DataAccessException ex) throws DataAccessException {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof NeonUnavailableException open) {
				return unavailable(open);
			}
		}
		if (!this.transientErrors.isUnavailable(ex)) {
			throw ex; // anything else stays a 500
		}
		return serviceUnavailable(RETRY_AFTER_TRANSIENT);
	}

	private static ResponseEntity<ProblemDetail> serviceUnavailable(Duration retryAfter) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
				"The database is temporarily unavailable; retry later.");
		return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
			.header(HttpHeaders.RETRY_AFTER, String.valueOf(Math.max(1, retryAfter.toSeconds())))
			.body(problem);
	}

}
