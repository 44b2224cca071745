package dev.neonstarter.sample;

import dev.neonstarter.testsupport.NeonTestTopology;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.web.client.RestClient;

/**
 * Test helpers: point the sample app at a {@link NeonTestTopology} as a Neon user would configure it in production.
 */
final class NeonTopologyProperties {

	private NeonTopologyProperties() {
	}

	/** A client for the app on the given port that returns every response instead of throwing on 4xx/5xx. */
	static RestClient http(int port) {
		return RestClient.builder()
			.baseUrl("http://localhost:" + port)
			.defaultStatusHandler((status) -> true, (request, response) -> {
			})
			.build();
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
