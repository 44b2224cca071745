package dev.neonstarter.pool;

import java.lang.reflect.Proxy;
import java.net.ConnectException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
	void aCallerRefusedFindsTheListenersDoneHoweverSlowTheThreadThatSawTheFailure() throws Exception {
		NeonEndpointMonitor monitor = monitor();
		monitor.setProbe((timeout, validate) -> {
			throw refused();
		});
		AtomicBoolean listenerDone = new AtomicBoolean();
		List<String> reasons = new ArrayList<>();
		monitor.onTransition((state) -> {
			if (state == NeonEndpointMonitor.State.DOWN) {
				reasons.add(String.valueOf(monitor.reason()));
				// The thread that saw the failure is descheduled here, as on a loaded machine.
				sleep(300);
				listenerDone.set(true);
			}
		});
		Thread failing = new Thread(() -> monitor.connectFailed(refused()));
		failing.start();
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (monitor.state() == NeonEndpointMonitor.State.UP && System.nanoTime() < deadline) {
			Thread.onSpinWait();
		}
		// The first moment a caller can be refused, the breaker (a listener) has been forced open.
		assertThat(monitor.state()).isEqualTo(NeonEndpointMonitor.State.DOWN);
		assertThat(listenerDone).isTrue();
		assertThat(reasons).singleElement().asString().contains("refused");
		failing.join(10_000);
		monitor.close();
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Test
	void theProbeIntervalCountsFromTheStartOfTheLastProbe() {
		assertThat(NeonEndpointMonitor.pauseAfter(500, 3)).isEqualTo(497);
		assertThat(NeonEndpointMonitor.pauseAfter(500, 500)).isZero();
		assertThat(NeonEndpointMonitor.pauseAfter(500, 2000)).isZero();
	}

	@Test
	void aProbeThatWaitedForItsTimeoutIsFollowedByTheNextAtOnce() throws Exception {
		// On a black-holed endpoint (or a pooler holding the probe's query) each probe waits for its timeout:
		// the next one must start at once, not an interval later.
		NeonEndpointMonitor monitor = new NeonEndpointMonitor("neon-pooled");
		NeonProperties.Monitor properties = new NeonProperties.Monitor();
		properties.setProbeIntervalMin(Duration.ofMillis(1000));
		properties.setProbeIntervalMax(Duration.ofMillis(1000));
		monitor.configure(properties.toSettings());
		List<Long> starts = Collections.synchronizedList(new ArrayList<>());
		monitor.setProbe((timeout, validate) -> {
			if (validate) {
				starts.add(System.nanoTime());
				sleep(1200);
			}
			throw refused();
		});
		monitor.connectFailed(refused());
		try {
			await().atMost(Duration.ofSeconds(20)).until(() -> starts.size() >= 2);
			long apart = TimeUnit.NANOSECONDS.toMillis(starts.get(1) - starts.get(0));
			// A pause of the interval after the first probe's 1200 ms would put them 2200 ms apart.
			assertThat(apart).isBetween(1200L, 1900L);
		}
		finally {
			monitor.close();
		}
	}

	@Test
	void theProbeIntervalDoublesUpToTheLongestButNotWhilePgBouncerWaitsToLogInAgain() {
		assertThat(NeonEndpointMonitor.nextInterval(200, 200, 500, false)).isEqualTo(400);
		assertThat(NeonEndpointMonitor.nextInterval(400, 200, 500, false)).isEqualTo(500);
		assertThat(NeonEndpointMonitor.nextInterval(500, 200, 500, false)).isEqualTo(500);
		assertThat(NeonEndpointMonitor.nextInterval(500, 200, 500, true)).isEqualTo(200);
	}

	@Test
	void whilePgBouncerWaitsToLogInAgainProbesComeTheShortestIntervalApart() {
		// PgBouncer tries the server again only when a client asks after server_login_retry, refuses that client
		// and serves the next: the probe after the one that started its login must not be a longest interval late.
		NeonEndpointMonitor monitor = new NeonEndpointMonitor("neon-pooled");
		NeonProperties.Monitor properties = new NeonProperties.Monitor();
		properties.setProbeIntervalMin(Duration.ofMillis(100));
		properties.setProbeIntervalMax(Duration.ofSeconds(5));
		monitor.configure(properties.toSettings());
		AtomicInteger probes = new AtomicInteger();
		monitor.setProbe((timeout, validate) -> {
			if (validate) {
				probes.incrementAndGet();
			}
			throw new SQLException("FATAL: server login has been failing, try again later (server_login_retry)",
					"08P01");
		});
		monitor.connectFailed(refused());
		try {
			// Ten probes 100 ms apart take a second; doubling up to 5 s would take more than 20.
			await().atMost(Duration.ofSeconds(8)).until(() -> probes.get() >= 10);
			assertThat(monitor.state()).isEqualTo(NeonEndpointMonitor.State.DOWN);
		}
		finally {
			monitor.close();
		}
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

	@Test
	void aCallerInterruptedBeforeTheReleaseKeepsItsOwnInterrupt() throws Exception {
		NeonEndpointMonitor monitor = monitor();
		monitor.setProbe((timeout, validate) -> {
			throw refused();
		});
		CountDownLatch interrupted = new CountDownLatch(1);
		AtomicBoolean releasedByMonitor = new AtomicBoolean();
		AtomicBoolean released = new AtomicBoolean();
		AtomicBoolean keptInterrupt = new AtomicBoolean();
		Thread caller = new Thread(() -> {
			int token = monitor.enter();
			// Its request is cancelled (an interrupt of its own) just as the endpoint goes down: HikariCP has
			// restored the flag and the caller is on its way out when the monitor releases it.
			Thread.currentThread().interrupt();
			interrupted.countDown();
			while (!releasedByMonitor.get()) {
				Thread.onSpinWait();
			}
			released.set(monitor.exit(token));
			keptInterrupt.set(Thread.currentThread().isInterrupted());
		});
		caller.start();
		assertThat(interrupted.await(10, TimeUnit.SECONDS)).isTrue();
		monitor.connectFailed(refused());
		releasedByMonitor.set(true);
		caller.join(TimeUnit.SECONDS.toMillis(10));
		assertThat(released).isTrue();
		assertThat(keptInterrupt).isTrue();
		monitor.close();
	}

	@Test
	void everyWaitingCallerIsReleasedWhenTheEndpointGoesDownMoreThanItHasSlotsFor() throws Exception {
		NeonEndpointMonitor monitor = monitor();
		monitor.setProbe((timeout, validate) -> {
			throw refused();
		});
		// A caller that borrows and returns many times keeps no slot.
		for (int i = 0; i < 1000; i++) {
			assertThat(monitor.exit(monitor.enter())).isFalse();
		}
		int callers = 600;
		CountDownLatch entered = new CountDownLatch(callers);
		AtomicInteger released = new AtomicInteger();
		AtomicInteger stillInterrupted = new AtomicInteger();
		List<Thread> threads = new ArrayList<>();
		for (int i = 0; i < callers; i++) {
			Thread thread = new Thread(() -> {
				int token = monitor.enter();
				entered.countDown();
				try {
					// Stands for HikariCP's wait for a connection, which an interrupt ends.
					Thread.sleep(60_000);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				if (monitor.exit(token)) {
					released.incrementAndGet();
				}
				if (Thread.currentThread().isInterrupted()) {
					stillInterrupted.incrementAndGet();
				}
			});
			thread.start();
			threads.add(thread);
		}
		assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
		monitor.connectFailed(refused());
		for (Thread thread : threads) {
			thread.join(TimeUnit.SECONDS.toMillis(30));
		}
		assertThat(released).hasValue(callers);
		assertThat(stillInterrupted).hasValue(0);
		monitor.close();
	}

	@Test
	void statementsStalledOnAnUnreachableEndpointAreAbortedMoreThanItHasSlotsFor() throws Exception {
		NeonEndpointMonitor monitor = new NeonEndpointMonitor("neon-pooled");
		NeonProperties.Monitor properties = new NeonProperties.Monitor();
		properties.setStallTimeout(Duration.ofMillis(100));
		monitor.configure(properties.toSettings());
		monitor.setProbe((timeout, validate) -> {
			throw refused();
		});
		int statements = 400;
		Set<Connection> aborted = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));
		AtomicInteger abortedTwice = new AtomicInteger();
		CountDownLatch started = new CountDownLatch(statements);
		CountDownLatch answer = new CountDownLatch(1);
		List<Thread> threads = new ArrayList<>();
		for (int i = 0; i < statements; i++) {
			Thread thread = new Thread(() -> {
				Connection connection = abortRecording(aborted, abortedTwice);
				int token = monitor.statementStarted(connection);
				started.countDown();
				try {
					answer.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				monitor.statementFinished(token);
			});
			thread.start();
			threads.add(thread);
		}
		assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
		await().atMost(Duration.ofSeconds(30)).until(() -> aborted.size() == statements);
		assertThat(monitor.state()).isEqualTo(NeonEndpointMonitor.State.DOWN);
		answer.countDown();
		for (Thread thread : threads) {
			thread.join(TimeUnit.SECONDS.toMillis(30));
		}
		// Each connection was aborted once, though the watch ran again before the callers finished.
		assertThat(abortedTwice).hasValue(0);
		monitor.close();
	}

	/** A connection that only records that it was aborted, and whether it was again. */
	private static Connection abortRecording(Set<Connection> aborted, AtomicInteger abortedTwice) {
		return (Connection) Proxy.newProxyInstance(NeonEndpointMonitorTests.class.getClassLoader(),
				new Class<?>[] { Connection.class }, (proxy, method, args) -> {
					if (method.getName().equals("abort")) {
						if (!aborted.add((Connection) proxy)) {
							abortedTwice.incrementAndGet();
						}
						return null;
					}
					if (method.getName().equals("hashCode")) {
						return System.identityHashCode(proxy);
					}
					if (method.getName().equals("equals")) {
						return proxy == args[0];
					}
					return null;
				});
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
