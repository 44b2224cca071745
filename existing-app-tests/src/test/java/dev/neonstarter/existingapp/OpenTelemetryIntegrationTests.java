package dev.neonstarter.existingapp;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.sql.DataSource;

import dev.neonstarter.pool.NeonDataSources;
import dev.neonstarter.testsupport.NeonTestTopology;
import dev.neonstarter.testsupport.RequiresPgBouncer;
import io.opentelemetry.sdk.autoconfigure.spi.AutoConfigurationCustomizerProvider;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The application with OpenTelemetry's Spring Boot starter, whose JDBC instrumentation wraps every DataSource bean
 * (the Neon pools too) once it is initialized: the starter still starts, proves TLS on its pools and puts them
 * behind its breaker, Flyway migrates on the direct endpoint, and the pages' statements through PgBouncer are
 * traced by OpenTelemetry and observed by the starter.
 */
@RequiresPgBouncer
@SpringBootTest(properties = { "otel.sdk.disabled=false", "otel.traces.exporter=none", "otel.metrics.exporter=none",
		"otel.logs.exporter=none" })
@AutoConfigureMockMvc
class OpenTelemetryIntegrationTests {

	static final NeonTestTopology topology = NeonTestTopology.shared();

	static final List<SpanData> spans = new CopyOnWriteArrayList<>();

	@DynamicPropertySource
	static void neon(DynamicPropertyRegistry registry) {
		TestDatabases.neon(registry, topology, topology.createDatabase());
	}

	@Autowired
	MockMvc mvc;

	@Autowired
	DataSource dataSource;

	@Autowired
	NeonDataSources pools;

	@Test
	void pagesWorkThroughOpenTelemetrysWrappersAndTheStarterStillGuardsItsPools() throws Exception {
		assertThat(this.dataSource.getClass().getName()).contains("opentelemetry");
		assertThat(this.pools.pooled().tlsStatus()).isNotNull()
			.satisfies((status) -> assertThat(status.verified()).isTrue());
		assertThat(this.pools.direct().tlsStatus()).isNotNull()
			.satisfies((status) -> assertThat(status.verified()).isTrue());
		assertThat(this.pools.pooled().getConnectionGuard()).isNotNull();
		assertThat(this.pools.pooled().queries().isObserved()).isTrue();
		this.mvc.perform(post("/owners").param("name", "Traced Owner")).andExpect(status().is3xxRedirection());
		this.mvc.perform(get("/owners").param("name", "traced")).andExpect(status().isOk());
		assertThat(spans).anySatisfy((span) -> {
			assertThat(span.getInstrumentationScopeInfo().getName()).contains("jdbc");
			assertThat(span.getAttributes().asMap().values()).anySatisfy(
					(value) -> assertThat(String.valueOf(value)).containsIgnoringCase("insert into owner "));
		});
		assertThat(JdbcClient.create(this.pools.direct())
			.sql("SELECT count(*) FROM flyway_schema_history WHERE success")
			.query(Long.class)
			.single()).isEqualTo(1);
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class SpanCollection {

		@Bean
		AutoConfigurationCustomizerProvider collectSpans() {
			return (customizer) -> customizer.addTracerProviderCustomizer(
					(tracerProvider, config) -> tracerProvider.addSpanProcessor(SimpleSpanProcessor.create(new Collector())));
		}

	}

	static class Collector implements SpanExporter {

		@Override
		public CompletableResultCode export(Collection<SpanData> exported) {
			spans.addAll(exported);
			return CompletableResultCode.ofSuccess();
		}

		@Override
		public CompletableResultCode flush() {
			return CompletableResultCode.ofSuccess();
		}

		@Override
		public CompletableResultCode shutdown() {
			return CompletableResultCode.ofSuccess();
		}

	}

}
