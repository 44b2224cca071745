package dev.neonstarter.query;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
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
 * to {@link QueryListener}s, and seen by the endpoint monitor's stall watch while they wait; through a pooler in
 * transaction mode, connections also keep their transaction isolation level to send it inside each transaction
 * ({@link PoolerIsolation}). Only used when a pool is observed, has a listener (the slow-query log, the breaker,
 * metrics without an observation registry), watches for stalled statements ({@code neon.monitor.stall-timeout}
 * above 0) or is through a pooler: otherwise connections are handed out as HikariCP makes them.
 */
final class QueryTiming {

	private static final MethodHandle CONNECTION = proxyConstructor(Connection.class);

	private static final MethodHandle STATEMENT = proxyConstructor(Statement.class);

	private static final MethodHandle PREPARED_STATEMENT = proxyConstructor(PreparedStatement.class);

	private static final MethodHandle CALLABLE_STATEMENT = proxyConstructor(CallableStatement.class);

	private QueryTiming() {
	}

	/**
	 * The constructor of the JDK proxy class for the interface, looked up once: {@code Proxy.newProxyInstance}
	 * finds the class in a cache and calls its constructor reflectively each time (twice per borrow and
	 * statement). {@code null} where it cannot be looked up (a native image without reflection data for
	 * it): then each proxy is made by {@code Proxy.newProxyInstance}.
	 */
	private static @Nullable MethodHandle proxyConstructor(Class<?> type) {
		try {
			Class<?> proxyClass = Proxy
				.newProxyInstance(QueryTiming.class.getClassLoader(), new Class<?>[] { type }, (proxy, method, args) -> null)
				.getClass();
			return MethodHandles.publicLookup()
				.findConstructor(proxyClass, MethodType.methodType(void.class, InvocationHandler.class))
				.asType(MethodType.methodType(Object.class, InvocationHandler.class));
		}
		catch (ReflectiveOperationException | RuntimeException | LinkageError ex) {
			return null;
		}
	}

	private static Object proxy(@Nullable MethodHandle constructor, Class<?> type, InvocationHandler handler) {
		if (constructor != null) {
			try {
				return (Object) constructor.invokeExact(handler);
			}
			catch (RuntimeException | Error ex) {
				throw ex;
			}
			catch (Throwable ex) {
				throw new IllegalStateException(ex);
			}
		}
		return Proxy.newProxyInstance(QueryTiming.class.getClassLoader(), new Class<?>[] { type }, handler);
	}

	/**
	 * @param observations how to observe statements, or {@code null} not to
	 */
	static Connection wrap(Connection connection, String poolName, List<QueryListener> listeners,
			@Nullable QueryObservations observations, StatementWatch monitor, @Nullable PoolerIsolation isolation) {
		return (Connection) proxy(CONNECTION, Connection.class,
				new ConnectionHandler(connection, poolName, listeners, observations, monitor, isolation));
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
			QueryObservations observations, StatementWatch monitor,
			@Nullable PoolerIsolation isolation) implements InvocationHandler {

		@Override
		public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
			String name = method.getName();
			if (name.equals("unwrap") || name.equals("isWrapperFor")) {
				Class<?> type = (Class<?>) args[0];
				if (type.isInstance(proxy)) {
					return name.equals("unwrap") ? proxy : true;
				}
			}
			PoolerIsolation isolation = this.isolation;
			if (isolation != null) {
				switch (name) {
					case "setTransactionIsolation" -> {
						isolation.request((Integer) args[0]);
						return null;
					}
					case "getTransactionIsolation" -> {
						if (isolation.requested() != -1) {
							return isolation.requested();
						}
					}
					case "setSavepoint" -> isolation.beforeStatement();
					default -> {
					}
				}
			}
			Object result = QueryTiming.invoke(this.target, method, args);
			if (isolation != null && (name.equals("commit") || (name.equals("rollback") && args == null)
					|| (name.equals("setAutoCommit") && Boolean.TRUE.equals(args[0])))) {
				isolation.transactionEnded();
			}
			if (result instanceof Statement statement) {
				String sql = (args != null && args.length > 0 && args[0] instanceof String text) ? text : null;
				StatementHandler handler = new StatementHandler(statement, (Connection) proxy, sql, this.poolName,
						this.listeners, this.observations, this.monitor, isolation);
				if (result instanceof CallableStatement) {
					return proxy(CALLABLE_STATEMENT, CallableStatement.class, handler);
				}
				return (result instanceof PreparedStatement) ? proxy(PREPARED_STATEMENT, PreparedStatement.class, handler)
						: proxy(STATEMENT, Statement.class, handler);
			}
			return result;
		}

	}

	private record StatementHandler(Statement target, Connection connection, String preparedSql, String poolName,
			List<QueryListener> listeners, QueryObservations observations, StatementWatch monitor,
			@Nullable PoolerIsolation isolation) implements InvocationHandler {

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
			if (this.isolation != null) {
				this.isolation.beforeStatement();
			}
			String sql = (this.preparedSql != null) ? this.preparedSql
					: (args != null && args.length > 0 && args[0] instanceof String text) ? text : "(batch)";
			// The stall watch first: if it cannot start, no observation is left started and never stopped.
			int inFlight = this.monitor.statementStarted(this.connection);
			Observation observation = (this.observations != null) ? this.observations.start(this.poolName, sql)
					: Observation.NOOP;
			long start = System.nanoTime();
			boolean failed = true;
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
