package dev.neonstarter.existingapp;

import dev.neonstarter.pool.NeonDataSources;
import dev.neonstarter.testsupport.NeonTestTopology;
import dev.neonstarter.testsupport.RequiresPgBouncer;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The application moved onto Neon with nothing but {@code DATABASE_URL}/{@code DIRECT_URL}: Spring Data JPA
 * repositories and Thymeleaf pages through PgBouncer in transaction mode with verified TLS, Flyway over the direct
 * endpoint, read-only transactions on the primary when there is no replica.
 */
@RequiresPgBouncer
@SpringBootTest
@AutoConfigureMockMvc
class JpaThroughPgBouncerIntegrationTests {

	static final NeonTestTopology topology = NeonTestTopology.shared();

	@DynamicPropertySource
	static void neon(DynamicPropertyRegistry registry) {
		TestDatabases.neon(registry, topology, topology.createDatabase());
	}

	@Autowired
	MockMvc mvc;

	@Autowired
	OwnerService owners;

	@Autowired
	OwnerRepository repository;

	@Autowired
	NeonDataSources pools;

	@Test
	void pagesAndRepositoriesWorkThroughThePooler() throws Exception {
		assertThat(this.pools.pooled().getJdbcUrl()).contains(":" + topology.pgbouncer().port() + "/");
		this.mvc.perform(post("/owners").param("name", "Maria Escobito")).andExpect(status().is3xxRedirection());
		this.mvc.perform(post("/owners").param("name", "Peter McTavish")).andExpect(status().is3xxRedirection());
		this.mvc.perform(get("/owners").param("name", "esc"))
			.andExpect(status().isOk())
			.andExpect(content().string(org.hamcrest.Matchers.containsString("Maria Escobito")))
			.andExpect(content().string(org.hamcrest.Matchers.not(org.hamcrest.Matchers.containsString("McTavish"))));
		assertThat(this.repository.countNamed("Maria Escobito", "Peter McTavish", "nobody")).isEqualTo(2);
		// Without a replica, read-only transactions run on the primary, like the rest.
		assertThat(this.owners.readOnlyServerPort()).isEqualTo(topology.postgres().port());
		assertThat(this.owners.readOnlyInRecovery()).isFalse();
		assertThat(JdbcClient.create(this.pools.direct())
			.sql("SELECT count(*) FROM flyway_schema_history WHERE success")
			.query(Long.class)
			.single()).isEqualTo(1);
	}

}
