package dev.neonstarter.pool;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Consumer;

import dev.neonstarter.connection.NeonConnectionFailures;
import dev.neonstarter.connection.NeonUnavailableException;
import dev.neonstarter.query.StatementWatch;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Whether a pool's endpoint is up, learned from the pool's own physical connection attempts (those HikariCP
 * makes in the background included). A definite connection-level failure marks it {@link State#DOWN} at once:
 * from then on the pool refuses callers with {@link NeonUnavailableException} and releases the callers already
 * waiting in HikariCP's queue, and one background thread probes the endpoint with a single short connection
 * attempt at a time, {@code probe-interval-min} apart (from the start of one to the start of the next),
 * doubling up to {@code probe-interval-max}. The first successful connection (the pool's or the probe's) marks
 * it {@link State#UP} again. Nothing runs while the endpoint is up.
 * <p>
 * Not failures: a slow connection that succeeds (a compute waking from suspend), a refused login (SQLState
 * 28xxx) or an unverifiable certificate (configuration errors a probe cannot fix), an interrupted attempt.
 */
public final class NeonEndpointMonitor implements StatementWatch {

	/** What the pool's connection attempts say about its endpoint. */
	public enum State {

		/** Connections can be made (or none has failed yet). */
		UP,

		/** The last physical connection attempt failed at the connection level. */
		DOWN

	}

	private static final Log logger = LogFactory.getLog(NeonEndpointMonitor.class);

	private static final int WAITING = 0;

	private static final int INTERRUPTING = 1;

	private static final int INTERRUPTED = 2;

	private static final int DONE = 3;

	/** {@link #INTERRUPTED}, of a thread that had been interrupted already: its interrupt is not the monitor's. */
	private static final int INTERRUPTED_ALREADY = 4;

	/** What a waiter's slot holds while the monitor interrupts its thread, and once it has. */
	private static final Object RELEASING = new Object();

	private static final Object RELEASED = new Object();

	/** {@link #RELEASED}, of a thread that had been interrupted already: its interrupt is not the monitor's. */
	private static final Object RELEASED_INTERRUPTED = new Object();

	/** Slots for callers waiting for a connection and for statements in flight (more fall back to a map). */
	private static final int SLOTS = 256;

	private volatile String poolName;

	private final List<Consumer<State>> listeners = new CopyOnWriteArrayList<>();

	/** The threads waiting for a connection, each in a slot while it waits ({@link #enter()}). */
	private final ThreadSlots waiting = new ThreadSlots(SLOTS);

	/** Waiters that found no free slot. */
	private final Map<Thread, Waiter> overflowWaiters = new ConcurrentHashMap<>();

	private final Object lock = new Object();

	private volatile boolean enabled = true;

	private volatile Duration probeConnectTimeout = Duration.ofSeconds(2);

	private volatile Duration probeIntervalMin = Duration.ofMillis(200);

	private volatile Duration probeIntervalMax = Duration.ofMillis(500);

	private volatile Duration stallTimeout = Duration.ofSeconds(5);

	private volatile boolean watchStatements = true;

	/** The connections of the statements in flight, each in a slot while it runs, and when it started. */
	private final ThreadSlots statements = new ThreadSlots(SLOTS);

	private final AtomicLongArray statementStarts = new AtomicLongArray(SLOTS);

	/** Statements that found no free slot. */
	private final Map<Thread, InFlight> overflowStatements = new ConcurrentHashMap<>();

	private final AtomicBoolean watching = new AtomicBoolean();

	private final AtomicBoolean confirming = new AtomicBoolean();

	private volatile State state = State.UP;

	private volatile @Nullable Instant lastTransition;

	private volatile @Nullable String downReason;

	private volatile @Nullable SQLException downCause;

	private volatile @Nullable Probe probe;

	private @Nullable Thread prober;

	private boolean closed;

	NeonEndpointMonitor(String poolName) {
		this.poolName = poolName;
	}

	/** One physical connection attempt with the probe's connect timeout, closed at once. */
	@FunctionalInterface
	interface Probe {

		/**
		 * @param validate whether to also run the driver's validation (an empty query): through a pooler
		 * only that reaches the server
		 */
		void connect(Duration connectTimeout, boolean validate) throws SQLException;

	}

	/**
	 * The monitor's settings ({@code neon.monitor.*}).
	 * @param enabled whether a definite connection failure marks the endpoint down
	 * @param probeConnectTimeout the probe's connect and login timeout
	 * @param probeIntervalMin the first pause between probes
	 * @param probeIntervalMax the longest pause between probes
	 * @param stallTimeout how long a statement may wait before the endpoint is probed (zero: not watched)
	 */
	public record Settings(boolean enabled, Duration probeConnectTimeout, Duration probeIntervalMin,
			Duration probeIntervalMax, Duration stallTimeout) {
	}

	/** Applies the settings. */
	public void configure(Settings settings) {
		this.probeConnectTimeout = settings.probeConnectTimeout();
		this.probeIntervalMin = settings.probeIntervalMin();
		this.probeIntervalMax = settings.probeIntervalMax();
		this.stallTimeout = settings.stallTimeout();
		this.enabled = settings.enabled();
		this.watchStatements = this.enabled && !this.stallTimeout.isZero() && !this.stallTimeout.isNegative();
		if (!this.enabled) {
			connected();
		}
	}

	void rename(String poolName) {
		this.poolName = poolName;
	}

	void setProbe(Probe probe) {
		this.probe = probe;
	}

	public String poolName() {
		return this.poolName;
	}

	public boolean isEnabled() {
		return this.enabled;
	}

	public State state() {
		return this.state;
	}

	/** When the state last changed, or {@code null} if it never did. */
	public @Nullable Instant lastTransition() {
		return this.lastTransition;
	}

	/** Why the endpoint is down (the failed attempt's message), or {@code null} while it is up. */
	public @Nullable String downReason() {
		return (this.state == State.DOWN) ? this.downReason : null;
	}

	/** The failure that marked the endpoint down (or the last probe's), or {@code null} while it is up. */
	public @Nullable SQLException downCause() {
		return (this.state == State.DOWN) ? this.downCause : null;
	}

	/** The last failure's reason, whatever the state: what a {@code DOWN} listener reports. */
	@Nullable String reason() {
		return this.downReason;
	}

	/** The last failure, whatever the state: what a {@code DOWN} listener reports. */
	@Nullable SQLException cause() {
		return this.downCause;
	}

	/**
	 * Called with the new state on every transition, just before it takes effect: before the pool serves again
	 * on {@code UP}, before it starts refusing on {@code DOWN}, so a caller refused finds what the listeners did
	 * (the breaker open). Listeners must be quick; they run on the thread that saw the outcome.
	 */
	public void onTransition(Consumer<State> listener) {
		this.listeners.add(listener);
	}

	/** How long a refused caller should wait before trying again (whole seconds, as HTTP's Retry-After). */
	public Duration retryAfter() {
		return Duration.ofSeconds(Math.max(1, (this.probeIntervalMax.toMillis() + 999) / 1000));
	}

	/** Throws {@link NeonUnavailableException} while the endpoint is down. */
	void checkAvailable() throws NeonUnavailableException {
		if (this.state == State.DOWN) {
			throw unavailable();
		}
	}

	NeonUnavailableException unavailable() {
		return NeonUnavailableException.endpointDown(this.poolName, retryAfter(), this.downReason);
	}

	/** A physical connection was made. */
	void connected() {
		if (this.state == State.UP) {
			return;
		}
		synchronized (this.lock) {
			if (this.state == State.UP) {
				return;
			}
			// Listeners first (the breaker closes), then callers are let through.
			notifyListeners(State.UP);
			this.lastTransition = Instant.now();
			this.state = State.UP;
			if (this.prober != null) {
				this.prober.interrupt();
				this.prober = null;
			}
		}
		logger.info("Neon endpoint of " + this.poolName + " is up again: serving connections");
	}

	/**
	 * A physical connection attempt failed. If the failure says the endpoint is unreachable, one probe
	 * confirms it (a refused or failing endpoint answers it in milliseconds; a single connection reset by the
	 * network does not take the endpoint down), then the endpoint is marked down.
	 */
	void connectFailed(SQLException failure) {
		if (!this.enabled || !NeonConnectionFailures.isEndpointDown(failure)) {
			return;
		}
		if (this.state == State.DOWN) {
			recordCause(failure);
			return;
		}
		// One confirmation at a time; concurrent failures leave the decision to it.
		if (!this.confirming.compareAndSet(false, true)) {
			return;
		}
		try {
			Probe current = this.probe;
			if (current != null) {
				current.connect(this.probeConnectTimeout, false);
				return;
			}
		}
		catch (SQLException confirmation) {
			if (!NeonConnectionFailures.isEndpointDown(confirmation)) {
				return;
			}
		}
		finally {
			this.confirming.set(false);
		}
		markDown(failure);
	}

	/** Why the endpoint is down, named as the health shows it ({@link NeonConnectionFailures#describe}). */
	private void recordCause(SQLException failure) {
		this.downReason = NeonConnectionFailures.describe(failure);
		this.downCause = failure;
	}

	private void markDown(SQLException failure) {
		recordCause(failure);
		if (this.state == State.DOWN) {
			return;
		}
		synchronized (this.lock) {
			if (this.state == State.DOWN || this.closed) {
				return;
			}
			// Listeners first (the breaker is forced open), then callers are refused: a caller refused, or the
			// health reading the endpoint down, finds the breaker open too.
			notifyListeners(State.DOWN);
			this.lastTransition = Instant.now();
			this.state = State.DOWN;
			startProber();
		}
		releaseWaiters();
		logger.warn("Neon endpoint of " + this.poolName + " is down, failing fast until a probe connects again: "
				+ failure.getMessage());
	}

	/** Stops probing for good (the pool is closed). */
	void close() {
		synchronized (this.lock) {
			this.closed = true;
			if (this.prober != null) {
				this.prober.interrupt();
				this.prober = null;
			}
		}
	}

	/**
	 * Registers the current thread as waiting for a connection, to be released (interrupted) if the endpoint
	 * goes down meanwhile: it takes a slot holding the thread (no allocation), or, when none is free, a
	 * {@link Waiter} in a map. Pair with {@link #exit(int)} on the same thread.
	 * @return the token for {@link #exit(int)}
	 */
	int enter() {
		Thread thread = Thread.currentThread();
		int slot = this.waiting.claim(thread);
		if (slot == ThreadSlots.NONE) {
			this.overflowWaiters.put(thread, new Waiter(thread));
		}
		return slot;
	}

	/**
	 * Unregisters the current thread; returns whether this monitor interrupted it, in which case the interrupt
	 * it caused has been cleared.
	 */
	boolean exit(int slot) {
		Thread thread = Thread.currentThread();
		if (slot == ThreadSlots.NONE) {
			Waiter waiter = this.overflowWaiters.remove(thread);
			if (waiter == null || waiter.state.compareAndSet(WAITING, DONE)) {
				return false;
			}
			int state;
			while ((state = waiter.state.get()) != INTERRUPTED && state != INTERRUPTED_ALREADY) {
				Thread.onSpinWait();
			}
			if (state == INTERRUPTED) {
				Thread.interrupted();
			}
			return true;
		}
		if (this.waiting.replace(slot, thread, null)) {
			return false;
		}
		Object released;
		while ((released = this.waiting.get(slot)) != RELEASED && released != RELEASED_INTERRUPTED) {
			Thread.onSpinWait();
		}
		// Only the monitor's own interrupt is cleared: one the caller had received is kept for it.
		if (released == RELEASED) {
			Thread.interrupted();
		}
		this.waiting.free(slot);
		return true;
	}

	private void releaseWaiters() {
		for (int slot = 0; slot < this.waiting.capacity(); slot++) {
			if (this.waiting.get(slot) instanceof Thread thread && this.waiting.replace(slot, thread, RELEASING)) {
				boolean already = thread.isInterrupted();
				thread.interrupt();
				this.waiting.set(slot, already ? RELEASED_INTERRUPTED : RELEASED);
			}
		}
		for (Waiter waiter : this.overflowWaiters.values()) {
			if (waiter.state.compareAndSet(WAITING, INTERRUPTING)) {
				boolean already = waiter.thread.isInterrupted();
				waiter.thread.interrupt();
				waiter.state.set(already ? INTERRUPTED_ALREADY : INTERRUPTED);
			}
		}
	}

	private void notifyListeners(State newState) {
		for (Consumer<State> listener : this.listeners) {
			try {
				listener.accept(newState);
			}
			catch (RuntimeException ex) {
				logger.warn("Neon endpoint monitor listener of " + this.poolName + " failed", ex);
			}
		}
	}

	private void startProber() {
		Thread thread = new Thread(this::probeUntilUp, "neon-monitor-" + this.poolName);
		thread.setDaemon(true);
		this.prober = thread;
		thread.start();
	}

	private void probeUntilUp() {
		long interval = Math.max(1, this.probeIntervalMin.toMillis());
		long pause = interval;
		while (this.state == State.DOWN && !Thread.currentThread().isInterrupted()) {
			try {
				Thread.sleep(pause);
			}
			catch (InterruptedException ex) {
				return;
			}
			Probe current = this.probe;
			if (current == null || this.state == State.UP) {
				return;
			}
			long started = System.nanoTime();
			boolean poolerRetrying = false;
			try {
				current.connect(this.probeConnectTimeout, true);
				connected();
				return;
			}
			catch (SQLException ex) {
				// A failure that is no longer a connection failure (e.g. a refused login) still means the
				// endpoint answers: stop failing fast and let callers see the real error.
				if (!NeonConnectionFailures.isEndpointDown(ex) && !Thread.currentThread().isInterrupted()) {
					connected();
					return;
				}
				recordCause(ex);
				poolerRetrying = NeonConnectionFailures.isPoolerLoginRetry(ex);
			}
			catch (RuntimeException ex) {
				logger.debug("Neon endpoint probe of " + this.poolName + " failed", ex);
			}
			interval = nextInterval(interval, this.probeIntervalMin.toMillis(), this.probeIntervalMax.toMillis(),
					poolerRetrying);
			pause = pauseAfter(interval, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
		}
	}

	/**
	 * The interval before the next probe: doubled up to the longest, except after PgBouncer's "server login has
	 * been failing". PgBouncer then tries the server again only when a client asks (once its
	 * {@code server_login_retry} has passed), refuses that client and serves the next: a probe that may have
	 * started PgBouncer's new login is followed a shortest interval later, not a longest.
	 */
	static long nextInterval(long intervalMillis, long minMillis, long maxMillis, boolean poolerRetrying) {
		long min = Math.max(1, minMillis);
		if (poolerRetrying) {
			return min;
		}
		return Math.min(intervalMillis * 2, Math.max(intervalMillis, maxMillis));
	}

	/**
	 * The pause before the next probe: the interval counts from the start of the last one, so a probe that
	 * waited for its timeout (a black-holed endpoint, or a pooler holding the probe's query while it cannot reach
	 * the server) is followed by the next at once, and the endpoint's return is not missed for a pause.
	 */
	static long pauseAfter(long intervalMillis, long probeMillis) {
		return Math.max(0, intervalMillis - probeMillis);
	}

	/** Whether statements are watched for stalls ({@code stall-timeout} above 0). */
	@Override
	public boolean watchesStatements() {
		return this.watchStatements;
	}

	/**
	 * A statement starts on the connection (as the caller holds it); pair with {@link #statementFinished(int)}
	 * on the same thread. The connection takes a slot and its start time is written next to it (no allocation);
	 * when no slot is free, an {@link InFlight} goes in a map. Starts the watch thread if none runs.
	 */
	@Override
	public int statementStarted(java.sql.Connection connection) {
		if (!this.watchStatements) {
			return StatementWatch.NOT_WATCHED;
		}
		long start = System.nanoTime();
		int slot = this.statements.claim(connection);
		if (slot != ThreadSlots.NONE) {
			// 0 means not started yet, for the watch thread.
			this.statementStarts.lazySet(slot, (start != 0) ? start : 1);
		}
		else {
			this.overflowStatements.put(Thread.currentThread(), new InFlight(connection, start));
		}
		if (!this.watching.get() && this.watching.compareAndSet(false, true)) {
			Thread thread = new Thread(this::watchStatements, "neon-stall-watch-" + this.poolName);
			thread.setDaemon(true);
			thread.start();
		}
		return slot;
	}

	@Override
	public void statementFinished(int token) {
		if (token >= 0) {
			this.statementStarts.lazySet(token, 0);
			this.statements.free(token);
		}
		else if (token == ThreadSlots.NONE) {
			this.overflowStatements.remove(Thread.currentThread());
		}
	}

	/** The connections whose statement has been in flight since before {@code since} (System.nanoTime). */
	private List<java.sql.Connection> statementsStartedBefore(long since) {
		List<java.sql.Connection> connections = new ArrayList<>();
		for (int slot = 0; slot < this.statements.capacity(); slot++) {
			if (this.statements.get(slot) instanceof java.sql.Connection connection) {
				long start = this.statementStarts.get(slot);
				// Re-read: a slot freed and taken again in between would pair one connection with another's start.
				if (start != 0 && start - since < 0 && this.statements.get(slot) == connection) {
					connections.add(connection);
				}
			}
		}
		for (InFlight statement : this.overflowStatements.values()) {
			if (statement.start - since < 0) {
				connections.add(statement.connection);
			}
		}
		return connections;
	}

	private boolean noStatementInFlight() {
		return this.statements.isEmpty() && this.overflowStatements.isEmpty();
	}

	/**
	 * Runs while statements are in flight: a statement waiting longer than {@code stall-timeout} makes one
	 * probe connection check the endpoint. Unreachable: the endpoint is down, and the connections of the
	 * statements waiting that long are aborted, so their callers get an error instead of waiting for TCP
	 * (hours on a black-holed connection). Reachable: the statements are just long and go on.
	 */
	private void watchStatements() {
		// Connections aborted and not yet given back by their caller: not aborted twice.
		Set<java.sql.Connection> aborted = Collections.newSetFromMap(new IdentityHashMap<>());
		while (true) {
			long timeout = this.stallTimeout.toNanos();
			try {
				// At most a second: the thread ends soon after the last statement, so none lingers while idle.
				Thread.sleep(Math.max(50, Math.min(1000, TimeUnit.NANOSECONDS.toMillis(timeout) / 2)));
			}
			catch (InterruptedException ex) {
				this.watching.set(false);
				return;
			}
			if (noStatementInFlight()) {
				this.watching.set(false);
				// A statement may have started after the check and seen the flag still set: keep watching.
				if (noStatementInFlight() || !this.watching.compareAndSet(false, true)) {
					return;
				}
				continue;
			}
			List<java.sql.Connection> stalled = statementsStartedBefore(System.nanoTime() - timeout);
			Set<java.sql.Connection> current = Collections.newSetFromMap(new IdentityHashMap<>());
			current.addAll(stalled);
			aborted.retainAll(current);
			stalled.removeIf(aborted::contains);
			if (stalled.isEmpty() || !endpointUnreachable()) {
				continue;
			}
			logger.warn("Neon endpoint of " + this.poolName + " is unreachable: aborting " + stalled.size()
					+ " connection(s) whose statement has waited longer than " + this.stallTimeout.toMillis() + " ms");
			for (java.sql.Connection connection : stalled) {
				aborted.add(connection);
				try {
					connection.abort(Runnable::run);
				}
				catch (SQLException | RuntimeException ex) {
					logger.debug("Could not abort a stalled connection of " + this.poolName, ex);
				}
			}
		}
	}

	private boolean endpointUnreachable() {
		if (this.state == State.DOWN) {
			return true;
		}
		Probe current = this.probe;
		if (current == null) {
			return false;
		}
		try {
			current.connect(this.probeConnectTimeout, false);
			return false;
		}
		catch (SQLException ex) {
			if (this.enabled && NeonConnectionFailures.isEndpointDown(ex)) {
				markDown(ex);
				return true;
			}
			return false;
		}
	}

	private record InFlight(java.sql.Connection connection, long start) {

	}

	static final class Waiter {

		private final Thread thread;

		private final AtomicInteger state = new AtomicInteger(WAITING);

		private Waiter(Thread thread) {
			this.thread = thread;
		}

	}

}
