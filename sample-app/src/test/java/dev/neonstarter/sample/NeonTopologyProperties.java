package dev.neonstarter.sample;

import dev.neonstarter.autoconfigure.testsupport.NeonTestTopology;

import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * Points the sample app at a {@link NeonTestTopology} as a Neon user would configure it in production.
 */
final class NeonTopologyProperties {

	private NeonTopologyProperties() {
	}

	static void register(DynamicPropertyRegistry registry, NeonTestTopology topology, String database) {
		registry.add("neon.url", () -> topology.pooledUrl(database, "sslmode=require"));
		registry.add("neon.direct-url", () -> topology.directUrl(database, "sslmode=require"));
		registry.add("neon.ssl.mode", () -> "verify-full");
		registry.add("neon.ssl.root-cert", () -> topology.certificates().caCertificate().toString());
		// Debian's PgBouncer 1.18 has no protocol-level prepared statements; Neon's has.
		registry.add("neon.pooled.prepared-statements", () -> "disabled");
		registry.add("neon.embedded.enabled", () -> "false");
	}

}
