package dev.neonstarter.api;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class NeonBranchConnectionTests {

	@Test
	void passwordsAreMasked() {
		assertThat(NeonBranchConnection.masked("postgresql://neondb_owner:npg_s3cret@ep-x-pooler.neon.tech/neondb?sslmode=require"))
			.isEqualTo("postgresql://neondb_owner:****@ep-x-pooler.neon.tech/neondb?sslmode=require");
		assertThat(NeonBranchConnection.masked("postgresql://ep-x.neon.tech/db?user=u&password=npg_s3cret&sslmode=require"))
			.isEqualTo("postgresql://ep-x.neon.tech/db?user=u&password=****&sslmode=require");
		assertThat(NeonBranchConnection.masked("postgresql://u@ep-x.neon.tech/db")).isEqualTo("postgresql://u@ep-x.neon.tech/db");
		assertThat(NeonBranchConnection.masked("postgresql://u:pa?ss#1@ep-x.neon.tech/db"))
			.isEqualTo("postgresql://u:****@ep-x.neon.tech/db");
	}

}
