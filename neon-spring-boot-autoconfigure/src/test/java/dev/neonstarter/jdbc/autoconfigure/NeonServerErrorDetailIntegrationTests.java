package dev.neonstarter.jdbc.autoconfigure;

import java.util.List;

import javax.sql.DataSource;

import dev.neonstarter.pool.NeonDataSources;
import dev.neonstarter.testsupport.NeonTestTopology;
import dev.neonstarter.testsupport.RequiresPgBouncer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Data values in a failed statement stay out of its exception (and so out of logs and spans): pgjdbc copies the
 * server's error detail into exception messages (a unique violation's key, a failed batch entry with its bound
 * values) unless {@code logServerErrorDetail=false}, which the pools set unless the connection string or
 * {@code data-source-properties} say otherwise.
 */
@RequiresPgBouncer
class NeonServerErrorDetailIntegrationTests {

	private static final String SECRET = "s3cret-value-4711";

	private final NeonTestTopology topology = NeonTestTopology.shared();

	private String database;

	@BeforeEach
	void createDatabase() {
		this.database = this.topology.createDatabase();
		this.topology.postgres()
			.execute(this.database, "CREATE TABLE accounts (token text PRIMARY KEY)",
					"GRANT SELECT, INSERT ON accounts TO app_user", "INSERT INTO accounts VALUES ('" + SECRET + "')");
	}

	private ApplicationContextRunner runner() {
		return NeonTopologyContexts.runner(this.topology, this.database);
	}

	@Test
	void aUniqueViolationDoesNotCarryTheKeyOnEitherPool() {
		runner().run((context) -> {
			for (String pool : List.of(NeonDataSources.POOLED_BEAN_NAME, NeonDataSources.DIRECT_BEAN_NAME)) {
				String messages = messages(insert(context.getBean(pool, DataSource.class)));
				assertThat(messages).as(pool)
					.contains("duplicate key value violates unique constraint")
					.doesNotContain(SECRET);
			}
		});
	}

	@Test
	void aFailedBatchEntryDoesNotCarryItsBoundValues() {
		runner().run((context) -> {
			JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
			DataAccessException failure = catchThrowableOfType(DataAccessException.class,
					() -> jdbc.batchUpdate("INSERT INTO accounts VALUES (?)",
							List.<Object[]>of(new Object[] { "other-4712" }, new Object[] { SECRET })));
			assertThat(messages(failure)).contains("duplicate key value violates unique constraint")
				.doesNotContain(SECRET);
		});
	}

	@Test
	void theDetailComesBackWhenAskedFor() {
		runner().withPropertyValues("neon.pooled.hikari.data-source-properties.logServerErrorDetail=true")
			.run((context) -> assertThat(messages(insert(context.getBean(DataSource.class)))).contains(SECRET));
	}

	private static DataAccessException insert(DataSource dataSource) {
		return catchThrowableOfType(DataAccessException.class,
				() -> new JdbcTemplate(dataSource).update("INSERT INTO accounts VALUES (?)", SECRET));
	}

	/** The messages of the exception and its causes, as a log or a span would show them. */
	private static String messages(Throwable failure) {
		StringBuilder messages = new StringBuilder();
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			messages.append(cause).append('\n');
			if (cause instanceof java.sql.SQLException sql && sql.getNextException() != null) {
				messages.append(sql.getNextException()).append('\n');
			}
		}
		return messages.toString();
	}

}
