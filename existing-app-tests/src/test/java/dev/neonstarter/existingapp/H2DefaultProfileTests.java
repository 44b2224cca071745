package dev.neonstarter.existingapp;

import javax.sql.DataSource;

import dev.neonstarter.pool.NeonHikariDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.jdbc.EmbeddedDatabaseConnection;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The application's own default: no URL anywhere and H2 on the classpath. Adding the starter must not stop it
 * from starting: the starter backs off to Spring Boot's embedded database and says how to use Neon.
 */
@SpringBootTest(properties = { "DATABASE_URL=", "neon.url=" })
@ExtendWith(OutputCaptureExtension.class)
class H2DefaultProfileTests {

	@Autowired
	ApplicationContext context;

	@Autowired
	DataSource dataSource;

	@Autowired
	OwnerService owners;

	@Test
	void startsOnSpringBootsEmbeddedDatabase(CapturedOutput output) {
		assertThat(this.dataSource).isNotInstanceOf(NeonHikariDataSource.class);
		assertThat(EmbeddedDatabaseConnection.isEmbedded(this.dataSource)).isTrue();
		assertThat(this.context.getBeanNamesForType(NeonHikariDataSource.class)).isEmpty();
		this.owners.add("Jean Coleman");
		assertThat(this.owners.search("cole")).extracting(Owner::getName).containsExactly("Jean Coleman");
		assertThat(output).contains("the Neon starter backs off and Spring Boot's embedded database is used")
			.contains("Set DATABASE_URL (or neon.url)");
	}

}
