package dev.neonstarter.jdbc.autoconfigure;

import javax.sql.DataSource;

import liquibase.integration.spring.SpringLiquibase;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.env.Environment;

/**
 * Liquibase's DataSource as {@link NeonMigrationDataSource} decides it (Spring Boot's customizer of
 * {@link SpringLiquibase} is not public): set before the bean is initialized, which is when it migrates.
 */
class NeonLiquibaseCheck implements BeanPostProcessor {

	private final Environment environment;

	NeonLiquibaseCheck(Environment environment) {
		this.environment = environment;
	}

	@Override
	public Object postProcessBeforeInitialization(Object bean, String beanName) {
		if (bean instanceof SpringLiquibase liquibase) {
			DataSource dataSource = liquibase.getDataSource();
			DataSource migrations = NeonMigrationDataSource.resolve("Liquibase", "spring.liquibase", dataSource,
					this.environment);
			if (migrations != dataSource) {
				liquibase.setDataSource(migrations);
			}
		}
		return bean;
	}

}
