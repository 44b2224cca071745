package dev.neonstarter.sample.notes;

import dev.neonstarter.autoconfigure.resilience.NeonUnavailableException;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * While the Neon circuit breaker is open, answer 503 with {@code Retry-After} at once, instead of a 500 after
 * the connection timeout. Spring matches the handler on causes too, so a {@code DataAccessException}
 * wrapping the {@link NeonUnavailableException} lands here.
 */
@RestControllerAdvice
class NeonUnavailableAdvice {

	@ExceptionHandler(NeonUnavailableException.class)
	ResponseEntity<ProblemDetail> unavailable(NeonUnavailableException ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
				"The database is temporarily unavailable; retry later.");
		return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
			.header(HttpHeaders.RETRY_AFTER, String.valueOf(Math.max(1, ex.getRetryAfter().toSeconds())))
			.body(problem);
	}

}
