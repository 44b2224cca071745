package dev.neonstarter.pool;

import dev.neonstarter.connection.NeonConnectionString;
import dev.neonstarter.ssl.NeonTlsPolicy;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class NeonPoolsTests {

	@Test
	void theClientKeysPassphraseReachesConnectionsButNotHikariCpsConfiguration() {
		NeonConnectionString connection = NeonConnectionString.parse("postgresql://u:p@db.example.com/db?sslpassword=k3y");
		NeonEndpoint endpoint = new NeonEndpoint(connection, new NeonTlsPolicy.Decision(connection, null, null, false),
				false);
		try (NeonHikariDataSource pool = NeonPools.pooled(endpoint)) {
			assertThat(pool.getDataSourceProperties()).doesNotContainKey("sslpassword");
			assertThat(pool.driverProperties()).containsEntry("sslpassword", "k3y");
		}
	}

}
