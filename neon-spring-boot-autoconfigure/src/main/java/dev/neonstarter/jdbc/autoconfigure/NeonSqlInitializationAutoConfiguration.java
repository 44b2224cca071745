package dev.neonstarter.jdbc.autoconfigure;

import javax.sql.DataSource;

import dev.neonstarter.pool.NeonDataSources;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.ApplicationDataSourceScriptDatabaseInitializer;
import org.springframework.boot.jdbc.autoconfigure.DataSourceInitializationAutoConfiguration;
import org.springframework.boot.sql.autoconfigure.init.ApplicationScriptDatabaseInitializer;
import org.springframework.boot.sql.autoconfigure.init.ConditionalOnSqlInitialization;
import org.springframework.boot.sql.autoconfigure.init.SqlInitializationProperties;
import org.springframework.boot.sql.init.dependency.DatabaseInitializationDependencyConfigurer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.datasource.init.DatabasePopulator;
import org.springframework.util.StringUtils;

/**
 * {@code spring.sql.init.*} scripts on the direct DataSource, as Flyway's migrations: Spring Boot would run them
 * on the primary one, through the pooler, whose transaction mode does not keep a session's {@code SET} from one
 * statement to the next. Spring Boot's own initializer backs off for this one, and its dependency ordering (JPA
 * after the scripts, or before them with {@code spring.jpa.defer-datasource-initialization}) applies unchanged.
 * Its own auto-configuration, after the pools', so that the pooled pool is still created first.
 */
@AutoConfiguration(after = NeonDataSourceAutoConfiguration.class, before = DataSourceInitializationAutoConfiguration.class)
@ConditionalOnClass(DatabasePopulator.class)
@ConditionalOnBean(name = NeonDataSources.DIRECT_BEAN_NAME)
@ConditionalOnMissingBean(ApplicationScriptDatabaseInitializer.class)
@ConditionalOnSqlInitialization
@EnableConfigurationProperties(SqlInitializationProperties.class)
@Import(DatabaseInitializationDependencyConfigurer.class)
public final class NeonSqlInitializationAutoConfiguration {

	@Bean
	ApplicationDataSourceScriptDatabaseInitializer dataSourceScriptDatabaseInitializer(
			@Qualifier(NeonDataSources.DIRECT_BEAN_NAME) DataSource direct, SqlInitializationProperties properties) {
		DataSource dataSource = direct;
		if (StringUtils.hasText(properties.getUsername()) && StringUtils.hasText(properties.getPassword())) {
			// As Spring Boot does for its DataSource: the scripts' own user, on the same endpoint, with the direct
			// pool's TLS and driver properties (Spring Boot's derived DataSource would keep its URL only).
			dataSource = NeonMigrationDataSource.asUser(NeonPoolBeans.require(direct, NeonDataSources.DIRECT_BEAN_NAME),
					"spring.sql.init scripts", "spring.sql.init.username", properties.getUsername(),
					properties.getPassword());
		}
		return new ApplicationDataSourceScriptDatabaseInitializer(dataSource, properties);
	}

}
