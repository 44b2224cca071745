package dev.neonstarter.pool;

import java.net.ConnectException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.neonstarter.connection.NeonUnavailableException;
import dev.neonstarter.jdbc.autoconfigure.NeonProperties;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The monitor's transitions, without a server (the integration tests run it against PostgreSQL and PgBouncer).
 * Which failed connection attempts take an endpoint down is the classifier's rule, tested in
 * {@code NeonConnectionFailuresTests}.
 */
class NeonEndpointMonitorTests {

	@Test
	void aConfirmedFailureTakesTheEndpointDownAndTheFirstProbeThatConnectsBringsItBack() throws Exception {
		NeonEndpointMonitor monitor = monitor();
		AtomicInteger probes = new AtomicInteger();
		AtomicBoolean back = new AtomicBoolean();
		List<NeonEndpointMonitor.State> transitions = new ArrayList<>();
		monitor.onTransition(transitions::add);
		monitor.setProbe((timeout, validate) -> {
			probes.incrementAndGet();
			if (!back.get()) {
				throw refused();
			}
		});
		monitor.connectFailed(refused());
		assertThat(monitor.state()).isEqualTo(NeonEndpointMonitor.State.DOWN);
		assertThat(monitor.lastTransition()).isNotNull();
		assertThatExceptionOfType(NeonUnavailableException.class).isThrownBy(monitor::checkAvailable)
			.withMessageContaining("the endpoint of neon-pooled is down")
			.withMessageContaining("refused")
			.satisfies((ex) -> assertThat(ex.isEndpointDown()).isTrue());
		// One confirmation, then probes (10 ms apart, doubling up to 50 ms) until one connects.
		await().atMost(Duration.ofSeconds(10)).until(() -> probes.get() >= 3);
		assertThat(monitor.state()).isEqualTo(NeonEndpointMonitor.State.DOWN);
		back.set(true);
		await().atMost(Duration.ofSeconds(10)).until(() -> monitor.state() == NeonEndpointMonitor.State.UP);
		assertThat(transitions).containsExactly(NeonEndpointMonitor.State.DOWN, NeonEndpointMonitor.State.UP);
		monitor.checkAvailable();
	}

	@Test
	void aFailureTheConfirmationDoesNotRepeatLeavesTheEndpointUp() {
		NeonEndpointMonitor monitor = monitor();
		monitor.setProbe((timeout, validate) -> {
		});
		monitor.connectFailed(new SQLException("An I/O error occurred", "08006", new java.net.SocketException("Connection reset")));
		assertThat(monitor.state()).isEqualTo(NeonEndpointMonitor.State.UP);
		assertThat(monitor.lastTransition()).isNull();
	}

	@Test
	void aDisabledMonitorNeverGoesDown() {
		NeonEndpointMonitor monitor = new NeonEndpointMonitor("neon-pooled");
		NeonProperties.Monitor properties = new NeonProperties.Monitor();
		properties.setEnabled(false);
		monitor.configure(properties.toSettings());
		monitor.connectFailed(refused());
		assertThat(monitor.state()).isEqualTo(NeonEndpointMonitor.State.UP);
		assertThat(monitor.watchesStatements()).isFalse();
	}

	private static NeonEndpointMonitor monitor() {
		NeonEndpointMonitor monitor = new NeonEndpointMonitor("neon-pooled");
		NeonProperties.Monitor properties = new NeonProperties.Monitor();
		properties.setProbeIntervalMin(Duration.ofMillis(10));
		properties.setProbeIntervalMax(Duration.ofMillis(50));
		monitor.configure(properties.toSettings());
		return monitor;
	}

	private static SQLException refused() {
		return new SQLException("Connection to localhost:5432 refused.", "08001", new ConnectException("Connection refused"));
	}

}
