package dev.neonstarter.query;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.List;

import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;

/**
 * Wraps connections so that statement executions are observed (Micrometer Observation) and timed and reported
 * to {@link QueryListener}s, and seen by the endpoint monitor's stall watch while they wait. Only used when a
 * pool is observed, has a listener (the slow-query log, the breaker, metrics without an observation registry)
 * or watches for stalled statements ({@code neon.monitor.stall-timeout} above 0): otherwise connections are
 * handed out as HikariCP makes them.
 */
final class QueryTiming {

	private QueryTiming() {
	}

	/**
	 * @param observations how to observe statements, or {@code null} not to
	 */
	static Connection wrap(Connection connection, String poolName, List<QueryListener> listeners,
			@Nullable QueryObservations observations, StatementWatch monitor) {
		return (Connection) Proxy.newProxyInstance(QueryTiming.class.getClassLoader(), new Class<?>[] { Connection.class },
				new ConnectionHandler(connection, poolName, listeners, observations, monitor));
	}

	private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
		try {
			return method.invoke(target, args);
		}
		catch (InvocationTargetException ex) {
			throw ex.getTargetException();
		}
	}

	private record ConnectionHandler(Connection target, String poolName, List<QueryListener> listeners,
			QueryObservations observations, StatementWatch monitor) implements InvocationHandler {

		@Override
		public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
			String name = method.getName();
			if (name.equals("unwrap") || name.equals("isWrapperFor")) {
				Class<?> type = (Class<?>) args[0];
				if (type.isInstance(proxy)) {
					return name.equals("unwrap") ? proxy : true;
				}
			}
			Object result = QueryTiming.invoke(this.target, method, args);
			if (result instanceof Statement statement) {
				String sql = (args != null && args.length > 0 && args[0] instanceof String text) ? text : null;
				Class<?> type = (result instanceof CallableStatement) ? CallableStatement.class
						: (result instanceof PreparedStatement) ? PreparedStatement.class : Statement.class;
				return Proxy.newProxyInstance(QueryTiming.class.getClassLoader(), new Class<?>[] { type },
						new StatementHandler(statement, (Connection) proxy, sql, this.poolName, this.listeners,
								this.observations, this.monitor));
			}
			return result;
		}

	}

	private record StatementHandler(Statement target, Connection connection, String preparedSql, String poolName,
			List<QueryListener> listeners, QueryObservations observations,
			StatementWatch monitor) implements InvocationHandler {

		@Override
		public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
			String name = method.getName();
			if (name.equals("getConnection")) {
				// The connection the caller holds, not the one behind it.
				return this.connection;
			}
			if (!name.startsWith("execute")) {
				return QueryTiming.invoke(this.target, method, args);
			}
			String sql = (this.preparedSql != null) ? this.preparedSql
					: (args != null && args.length > 0 && args[0] instanceof String text) ? text : "(batch)";
			Observation observation = (this.observations != null) ? this.observations.start(this.poolName, sql)
					: Observation.NOOP;
			long start = System.nanoTime();
			boolean failed = true;
			Object inFlight = this.monitor.statementStarted(this.connection);
			try (Observation.Scope scope = observation.openScope()) {
				Object result = QueryTiming.invoke(this.target, method, args);
				failed = false;
				return result;
			}
			catch (Throwable ex) {
				observation.error(ex);
				throw ex;
			}
			finally {
				this.monitor.statementFinished(inFlight);
				long nanos = System.nanoTime() - start;
				if (observation.getContext() instanceof NeonQueryObservationContext context) {
					context.setCompleted(true);
				}
				observation.stop();
				for (QueryListener listener : this.listeners) {
					listener.onQuery(this.poolName, sql, nanos, failed);
				}
			}
		}

	}

}
