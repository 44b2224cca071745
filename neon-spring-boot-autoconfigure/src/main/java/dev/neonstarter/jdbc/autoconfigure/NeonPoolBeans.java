package dev.neonstarter.jdbc.autoconfigure;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfigMXBean;
import dev.neonstarter.pool.NeonHikariDataSource;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.jdbc.DataSourceUnwrapper;

/**
 * The Neon pool behind a pool bean. Instrumentation that applications already have wraps every
 * {@code DataSource} bean once it is initialized: OpenTelemetry's Spring Boot starter, datasource-micrometer,
 * p6spy and datasource-proxy decorators. The bean named {@code neonPooledDataSource} is then such a wrapper, and
 * the starter's checks and wiring reach the pool through it, as Spring Boot's own HikariCP metrics do: JDBC's
 * {@link java.sql.Wrapper#unwrap}, Spring's {@code DelegatingDataSource} or an AOP proxy's target.
 */
final class NeonPoolBeans {

	private NeonPoolBeans() {
	}

	/** The Neon pool the bean is or wraps, or {@code null} when it is neither (a mock, another DataSource). */
	static @Nullable NeonHikariDataSource unwrap(@Nullable Object bean) {
		if (bean instanceof NeonHikariDataSource pool) {
			return pool;
		}
		if (!(bean instanceof DataSource dataSource)) {
			return null;
		}
		HikariConfigMXBean hikari = DataSourceUnwrapper.unwrap(dataSource, HikariConfigMXBean.class,
				HikariConfigMXBean.class);
		return (hikari instanceof NeonHikariDataSource pool) ? pool : null;
	}

	/**
	 * The Neon pool behind the bean of that name.
	 * @throws IllegalStateException when the bean does not lead to one, naming what it is and what to do
	 */
	static NeonHikariDataSource require(DataSource bean, String beanName) {
		NeonHikariDataSource pool = unwrap(bean);
		if (pool == null) {
			throw new IllegalStateException("The Neon DataSource bean '" + beanName + "' has been replaced or wrapped"
					+ " by a " + bean.getClass().getName() + ", which does not lead back to the Neon pool: a wrapper"
					+ " must unwrap to it (java.sql.Wrapper#unwrap), be a Spring DelegatingDataSource or an AOP"
					+ " proxy of it. To replace the DataSource, turn the starter off (neon.enabled=false)");
		}
		return pool;
	}

}
