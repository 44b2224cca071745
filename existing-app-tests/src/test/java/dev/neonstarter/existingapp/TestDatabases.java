package dev.neonstarter.existingapp;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import dev.neonstarter.testsupport.NeonTestTopology;

import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * Points the application at a {@link NeonTestTopology} as a Neon user configures it in production, and looks
 * into the topology's databases from the outside.
 */
final class TestDatabases {

	private TestDatabases() {
	}

	static void neon(DynamicPropertyRegistry registry, NeonTestTopology topology, String database) {
		registry.add("DATABASE_URL", () -> topology.pooledUrl(database, "sslmode=require"));
		registry.add("DIRECT_URL", () -> topology.directUrl(database, "sslmode=require"));
		tls(registry, topology);
	}

	static void tls(DynamicPropertyRegistry registry, NeonTestTopology topology) {
		registry.add("neon.ssl.mode", () -> "verify-full");
		registry.add("neon.ssl.root-cert", () -> topology.certificates().caCertificate().toString());
		// Debian's PgBouncer 1.18 has no protocol-level prepared statements; Neon's has.
		registry.add("neon.pooled.prepared-statements", () -> "disabled");
	}

	/** The tables of a database's public schema, read as the superuser. */
	static List<String> tables(NeonTestTopology topology, String database) {
		List<String> tables = new ArrayList<>();
		try (Connection connection = topology.postgres().adminDataSource(database).getConnection();
				Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")) {
			while (rs.next()) {
				tables.add(rs.getString(1));
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
		return tables;
	}

}
