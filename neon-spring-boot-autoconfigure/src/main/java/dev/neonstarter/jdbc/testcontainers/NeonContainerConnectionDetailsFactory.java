package dev.neonstarter.jdbc.testcontainers;

import dev.neonstarter.connection.NeonConnectionString;
import dev.neonstarter.jdbc.autoconfigure.NeonConnectionDetails;
import org.jspecify.annotations.Nullable;
import org.testcontainers.containers.JdbcDatabaseContainer;

import org.springframework.boot.testcontainers.service.connection.ContainerConnectionDetailsFactory;
import org.springframework.boot.testcontainers.service.connection.ContainerConnectionSource;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.util.ClassUtils;

/**
 * {@link ContainerConnectionDetailsFactory} that creates {@link NeonConnectionDetails} from a
 * {@link ServiceConnection @ServiceConnection}-annotated PostgreSQL container, so that both Neon DataSources
 * (and Flyway, on the direct one) use it. A container has no pooler: the pooled and the direct connection are
 * the same, and the container's own TLS setting ({@code sslmode=disable} unless its URL says otherwise)
 * applies instead of {@code neon.ssl.*}.
 */
class NeonContainerConnectionDetailsFactory
		extends ContainerConnectionDetailsFactory<JdbcDatabaseContainer<?>, NeonConnectionDetails> {

	/** Testcontainers 2.x's PostgreSQL container, and the 1.x one it still ships (deprecated). */
	static final String[] POSTGRES_CONTAINERS = { "org.testcontainers.postgresql.PostgreSQLContainer",
			"org.testcontainers.containers.PostgreSQLContainer" };

	@Override
	protected boolean sourceAccepts(ContainerConnectionSource<JdbcDatabaseContainer<?>> source,
			Class<?> requiredContainerType, Class<?> requiredConnectionDetailsType) {
		ClassLoader classLoader = getClass().getClassLoader();
		for (String name : POSTGRES_CONTAINERS) {
			if (ClassUtils.isPresent(name, classLoader) && source.accepts(ANY_CONNECTION_NAME,
					ClassUtils.resolveClassName(name, classLoader), requiredConnectionDetailsType)) {
				return true;
			}
		}
		return false;
	}

	@Override
	protected NeonConnectionDetails getContainerConnectionDetails(
			ContainerConnectionSource<JdbcDatabaseContainer<?>> source) {
		return new NeonContainerConnectionDetails(source);
	}

	/**
	 * The container's JDBC URL and credentials, for both pools.
	 */
	static final class NeonContainerConnectionDetails extends ContainerConnectionDetails<JdbcDatabaseContainer<?>>
			implements NeonConnectionDetails {

		NeonContainerConnectionDetails(ContainerConnectionSource<JdbcDatabaseContainer<?>> source) {
			super(source);
		}

		private volatile @Nullable NeonConnectionString connection;

		@Override
		public NeonConnectionString getPooled() {
			return connection();
		}

		@Override
		public NeonConnectionString getDirect() {
			return connection();
		}

		/** Read once the container has started: its URL, parsed once for both pools. */
		private NeonConnectionString connection() {
			NeonConnectionString current = this.connection;
			if (current == null) {
				current = connection(getContainer());
				this.connection = current;
			}
			return current;
		}

		@Override
		public boolean isSslConfiguredByProperties() {
			return false;
		}

		static NeonConnectionString connection(JdbcDatabaseContainer<?> container) {
			NeonConnectionString connection = NeonConnectionString.parse(container.getJdbcUrl())
				.withCredentials(container.getUsername(), container.getPassword());
			// The postgres image has no TLS: say so rather than let pgjdbc try it first (its default, prefer).
			return (connection.parameter("sslmode") != null) ? connection
					: connection.withParameter("sslmode", "disable");
		}

	}

}
