package dev.neonstarter.query;

import java.sql.Connection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

/**
 * What a pool does with each statement: times it for its {@link QueryListener}s, observes it (Micrometer
 * Observation, {@code neon.queries}) and shows it to a {@link StatementWatch}. Connections are wrapped only
 * when one of them wants statements; otherwise they are handed out as HikariCP makes them.
 */
public final class QueryInstrumentation {

	private final List<QueryListener> listeners = new CopyOnWriteArrayList<>();

	private volatile @Nullable QueryObservations observations;

	/** Times every statement from now on and reports it to the listener. */
	public void addListener(QueryListener listener) {
		this.listeners.add(listener);
	}

	/**
	 * Observes every statement from now on ({@code neon.queries}, see
	 * {@link DefaultNeonQueryObservationConvention}).
	 * @param registry the registry, or {@code null} (or a no-op one) to stop observing
	 * @param convention the application's convention, or {@code null} for a global one or the default
	 */
	public void observe(@Nullable ObservationRegistry registry, @Nullable NeonQueryObservationConvention convention) {
		this.observations = (registry != null && !registry.isNoop()) ? new QueryObservations(registry, convention)
				: null;
	}

	/** Whether statements are observed. */
	public boolean isObserved() {
		return this.observations != null;
	}

	/**
	 * The connection to hand out: the one given when nothing wants its statements, else one whose statements
	 * are timed, observed and watched; through a pooler in transaction mode also one whose transaction isolation
	 * level is sent inside each transaction instead of for the session (see {@link PoolerIsolation}): always
	 * wrapped then.
	 * @param isolation through a pooler, the level each transaction is given when the application asks for none
	 * (the pool's own, a JDBC constant), or -1 for the role's default
	 */
	public Connection instrument(Connection connection, String poolName, StatementWatch watch, boolean throughPooler,
			int isolation) {
		QueryObservations current = this.observations;
		if (this.listeners.isEmpty() && current == null && !watch.watchesStatements() && !throughPooler) {
			return connection;
		}
		return QueryTiming.wrap(connection, poolName, this.listeners, current, watch,
				throughPooler ? new PoolerIsolation(connection, isolation) : null);
	}

}
