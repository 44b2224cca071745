package dev.neonstarter.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.neonstarter.testsupport.NeonTestTopology;
import dev.neonstarter.testsupport.RequiresPgBouncer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With {@code server.shutdown=graceful}, requests in flight when the application is asked to stop finish,
 * using the pools, because the pools close only after the web server has stopped.
 */
@RequiresPgBouncer
@ExtendWith(OutputCaptureExtension.class)
class NotesGracefulShutdownIntegrationTests {

	private static final int IN_FLIGHT = 4;

	@Test
	void inFlightRequestsFinishWhileTheContextCloses(CapturedOutput output) throws Exception {
		NeonTestTopology topology = NeonTestTopology.shared();
		String database = topology.createDatabase();
		CountDownLatch started = new CountDownLatch(IN_FLIGHT);
		ConfigurableApplicationContext context = new SpringApplicationBuilder(NotesApplication.class)
			.initializers((GenericApplicationContext ctx) -> ctx.registerBean("slowRoute", RouterFunction.class,
					() -> slowRoute(ctx.getBean(JdbcClient.class), started)))
			.run("--server.port=0", "--server.shutdown=graceful", "--neon.url=" + topology.pooledUrl(database, ""),
					"--neon.direct-url=" + topology.directUrl(database, ""), "--neon.ssl.mode=verify-full",
					"--neon.ssl.root-cert=" + topology.certificates().caCertificate(),
					"--neon.pooled.prepared-statements=disabled", "--neon.embedded.enabled=false");
		int port = ((WebServerApplicationContext) context).getWebServer().getPort();
		HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
		List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
		for (int i = 0; i < IN_FLIGHT; i++) {
			responses.add(client.sendAsync(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/test/slow"))
				.timeout(Duration.ofSeconds(60))
				.build(), HttpResponse.BodyHandlers.ofString()));
		}
		assertThat(started.await(30, TimeUnit.SECONDS)).as("all requests reached the handler").isTrue();

		context.close();

		for (CompletableFuture<HttpResponse<String>> response : responses) {
			HttpResponse<String> result = response.get(60, TimeUnit.SECONDS);
			assertThat(result.statusCode()).isEqualTo(200);
			assertThat(result.body()).isEqualTo("slept");
		}
		assertThat(output).doesNotContain("has been closed").doesNotContain("Connection is not available");
	}

	private static RouterFunction<ServerResponse> slowRoute(JdbcClient jdbc, CountDownLatch started) {
		return RouterFunctions.route().GET("/test/slow", (request) -> {
			started.countDown();
			// Held past the start of shutdown, through PgBouncer, on the pooled DataSource.
			jdbc.sql("SELECT pg_sleep(1)").query().singleValue();
			jdbc.sql("SELECT pg_sleep(1)").query().singleValue();
			return ServerResponse.ok().body("slept");
		}).build();
	}

}
