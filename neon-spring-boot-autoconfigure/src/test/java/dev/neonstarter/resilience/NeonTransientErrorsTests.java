package dev.neonstarter.resilience;

import java.sql.SQLException;
import java.time.Duration;

import dev.neonstarter.connection.NeonConnectionFailures.Kind;
import dev.neonstarter.connection.NeonUnavailableException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.dao.TransientDataAccessResourceException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link NeonTransientErrors} is the bean-friendly view of the classifier: one failure of each kind shows it
 * answers what the classifier says. The rules themselves are tested in {@code NeonConnectionFailuresTests}.
 */
class NeonTransientErrorsTests {

	private final NeonTransientErrors errors = new NeonTransientErrors();

	@ParameterizedTest(name = "{0} -> {1}")
	@CsvSource({ "08006, CONNECTION, true, true", "40001, TRANSACTION, true, false",
			"23505, PERMANENT, false, false" })
	void answersWithTheClassifiersKind(String sqlState, Kind kind, boolean transientFailure, boolean unavailable) {
		SQLException failure = new SQLException("boom", sqlState);
		assertThat(this.errors.classify(failure)).isEqualTo(kind);
		assertThat(this.errors.isTransient(failure)).isEqualTo(transientFailure);
		assertThat(this.errors.isUnavailable(failure)).isEqualTo(unavailable);
	}

	@Test
	void anOpenBreakerIsNeitherTransientNorUnavailableAgain() {
		NeonUnavailableException open = new NeonUnavailableException("neon", "neon-pooled", Duration.ofSeconds(5));
		TransientDataAccessResourceException translated = new TransientDataAccessResourceException("x", open);
		assertThat(this.errors.isTransient(translated)).isFalse();
		assertThat(this.errors.isUnavailable(translated)).isFalse();
	}

}
