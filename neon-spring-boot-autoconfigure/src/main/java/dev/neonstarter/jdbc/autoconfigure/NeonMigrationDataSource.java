package dev.neonstarter.jdbc.autoconfigure;

import java.util.Objects;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import dev.neonstarter.connection.NeonConnectionString;
import dev.neonstarter.pool.NeonHikariDataSource;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.core.env.Environment;
import org.springframework.jdbc.datasource.AbstractDriverBasedDataSource;
import org.springframework.jdbc.datasource.UserCredentialsDataSourceAdapter;
import org.springframework.util.StringUtils;

/**
 * Where a migration tool (Flyway, Liquibase, {@code spring.sql.init} scripts) runs. Spring Boot gives it the
 * starter's direct pool, its {@code @FlywayDataSource} and {@code @LiquibaseDataSource}, and then ignores the
 * tool's own {@code url}, {@code user} and {@code password}. Here:
 * <ul>
 * <li>never through Neon's pooler, whose transaction mode cannot hold a session advisory lock or a {@code SET};</li>
 * <li>the tool's {@code user} and {@code password} (a migration role that owns the schema) still apply: on the
 * direct endpoint, with the direct pool's URL, TLS and driver settings, unpooled, as Spring Boot would derive
 * them from the primary DataSource without the starter;</li>
 * <li>the tool's {@code url} is not used, and a warning says so.</li>
 * </ul>
 */
final class NeonMigrationDataSource {

	private static final Log logger = LogFactory.getLog(NeonMigrationDataSource.class);

	private NeonMigrationDataSource() {
	}

	/**
	 * The DataSource the tool should migrate with.
	 * @param tool the tool's name, for messages ({@code Flyway})
	 * @param prefix its Spring Boot properties' prefix ({@code spring.flyway})
	 * @param dataSource the DataSource Spring Boot gave it
	 */
	static @Nullable DataSource resolve(String tool, String prefix, @Nullable DataSource dataSource,
			Environment environment) {
		// The pool itself, also when JDBC instrumentation has wrapped it; the tool keeps the wrapper.
		NeonHikariDataSource neon = NeonPoolBeans.unwrap(dataSource);
		NeonConnectionString used = (neon != null) ? neon.endpoint().connection()
				: NeonEndpoints.parseOrNull(jdbcUrl(dataSource));
		// A URL that is not a connection string the starter understands is not a Neon pooler either.
		if (used != null) {
			NeonEndpoints.requireDirect(tool + "'s DataSource", used);
		}
		if (dataSource == null || neon == null) {
			return dataSource;
		}
		String url = environment.getProperty(prefix + ".url");
		if (StringUtils.hasText(url)) {
			NeonConnectionString configured = NeonEndpoints.parseOrNull(url);
			if (configured != null) {
				NeonEndpoints.requireDirect(prefix + ".url", configured);
			}
			logger.warn(prefix + ".url is not used: " + tool + " migrates through " + neon.getPoolName()
					+ ", which Spring Boot prefers. Set neon.direct-url (and neon.direct.username / neon.direct.password,"
					+ " or " + prefix + ".user / " + prefix + ".password) to choose where migrations run");
		}
		String user = environment.getProperty(prefix + ".user");
		if (!StringUtils.hasText(user)) {
			return dataSource;
		}
		String password = environment.getProperty(prefix + ".password");
		if (user.equals(neon.getUsername()) && (password == null || password.equals(neon.getPassword()))) {
			return dataSource;
		}
		return asUser(neon, tool, prefix + ".user", user, password);
	}

	/**
	 * The direct pool's endpoint as another role: its own connection factory (URL, TLS and other driver
	 * properties, login timeout), whose attempts the endpoint monitor sees as the pool's, unpooled. Without a
	 * password an empty one is sent: never the pool's own, which belongs to another role.
	 * @param tool what runs with it, for the log ({@code Flyway}, {@code spring.sql.init scripts})
	 * @param property the property that named the role
	 */
	static DataSource asUser(NeonHikariDataSource direct, String tool, String property, String user,
			@Nullable String password) {
		logger.info(tool + " runs on " + direct.getPoolName() + "'s endpoint as user '" + user + "' (" + property
				+ ")");
		UserCredentialsDataSourceAdapter asUser = new UserCredentialsDataSourceAdapter();
		asUser.setTargetDataSource(Objects.requireNonNull(direct.getDataSource()));
		asUser.setUsername(user);
		asUser.setPassword((password != null) ? password : "");
		return asUser;
	}

	private static @Nullable String jdbcUrl(@Nullable DataSource dataSource) {
		if (dataSource instanceof HikariDataSource hikari) {
			return hikari.getJdbcUrl();
		}
		if (dataSource instanceof AbstractDriverBasedDataSource driverBased) {
			return driverBased.getUrl();
		}
		return null;
	}

}
