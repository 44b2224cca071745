package dev.neonstarter.jdbc.autoconfigure;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

class NeonEmbeddedPostgresIntegrationTests {

	@Test
	void embeddedDefaultServesBothPoolsAndFlyway() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(NeonDataSourceAutoConfiguration.class,
					DataSourceAutoConfiguration.class, FlywayAutoConfiguration.class,
					JdbcTemplateAutoConfiguration.class))
			.withPropertyValues("neon.embedded.enabled=true", "spring.flyway.locations=classpath:db/embedded-migration")
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(EmbeddedPostgres.class);
				JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
				assertThat(jdbc.queryForObject("SELECT count(*) FROM embedded_check", Integer.class)).isEqualTo(1);
				assertThat(jdbc.queryForObject("SHOW server_version_num", Integer.class)).isGreaterThan(140000);
			});
	}

}
