package dev.neonstarter.query;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;

/**
 * The default {@link NeonQueryObservationConvention}: observation {@value #NAME} (with Spring Boot's metrics, a
 * timer of that name and a long task timer {@code neon.queries.active}), tagged {@code pool} and
 * {@code outcome}; spans named after the statement's first keyword ({@code SELECT}, {@code INSERT}...) carry
 * the statement text, without its literals, as {@code db.query.text}.
 */
public class DefaultNeonQueryObservationConvention implements NeonQueryObservationConvention {

	/** Name of the observation, and of the timer Spring Boot's metrics make from it. */
	public static final String NAME = "neon.queries";

	/** Statement text longer than this is cut in {@code db.query.text}, so that a huge batch cannot bloat a span. */
	static final int MAX_QUERY_TEXT_LENGTH = 2000;

	private static final KeyValue SUCCESS = KeyValue.of("outcome", "success");

	private static final KeyValue ERROR = KeyValue.of("outcome", "error");

	/** Per pool name: its key values while running, on success, on error (made once, asked twice a statement). */
	private final Map<String, KeyValues[]> lowCardinalityByPool = new ConcurrentHashMap<>();

	@Override
	public String getName() {
		return NAME;
	}

	@Override
	public String getContextualName(NeonQueryObservationContext context) {
		return operation(context.getSql());
	}

	/**
	 * {@code pool}, and once the statement has completed {@code outcome}: {@code success}, or {@code error} when
	 * it threw. While it runs there is no outcome yet, so the long task timer {@code neon.queries.active}
	 * (made when the observation starts) is tagged with the pool alone.
	 */
	@Override
	public KeyValues getLowCardinalityKeyValues(NeonQueryObservationContext context) {
		KeyValues[] keyValues = this.lowCardinalityByPool.computeIfAbsent(context.getPoolName(), (poolName) -> {
			KeyValue pool = KeyValue.of("pool", poolName);
			return new KeyValues[] { KeyValues.of(pool), KeyValues.of(pool, SUCCESS), KeyValues.of(pool, ERROR) };
		});
		if (!context.isCompleted()) {
			return keyValues[0];
		}
		return (context.getError() != null) ? keyValues[2] : keyValues[1];
	}

	/**
	 * {@code db.query.text}: the statement as written, its literals replaced by {@code ?} ({@link SqlText}; bind
	 * values are never in it).
	 */
	@Override
	public KeyValues getHighCardinalityKeyValues(NeonQueryObservationContext context) {
		return KeyValues.of("db.query.text", SqlText.forDisplay(context.getSql(), MAX_QUERY_TEXT_LENGTH));
	}

	/**
	 * The statement's first keyword, upper case ({@code "BATCH"} for a plain statement batch), or {@code "QUERY"}
	 * when it does not start with one (a comment, say).
	 */
	static String operation(String sql) {
		int start = 0;
		while (start < sql.length() && (Character.isWhitespace(sql.charAt(start)) || sql.charAt(start) == '(')) {
			start++;
		}
		int end = start;
		while (end < sql.length() && Character.isLetter(sql.charAt(end))) {
			end++;
		}
		return (end > start) ? sql.substring(start, end).toUpperCase(Locale.ROOT) : "QUERY";
	}

}
