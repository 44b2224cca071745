package dev.neonstarter.pool;

import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

import org.jspecify.annotations.Nullable;

/**
 * What the application's own use of a pool says about the database: when a connection was last obtained,
 * when obtaining one last failed and why. Health answers from this instead of querying, so probes do not keep
 * a Neon compute awake.
 */
public final class NeonPoolActivity {

	private volatile String poolName;

	private final List<BiConsumer<String, SQLException>> failureListeners = new CopyOnWriteArrayList<>();

	private volatile @Nullable Instant lastSuccess;

	private volatile @Nullable Instant lastFailure;

	private volatile @Nullable String lastFailureMessage;

	private volatile @Nullable String serverVersion;

	NeonPoolActivity(String poolName) {
		this.poolName = poolName;
	}

	void rename(String poolName) {
		this.poolName = poolName;
	}

	public String poolName() {
		return this.poolName;
	}

	void success(String version) {
		this.lastSuccess = Instant.now();
		if (this.serverVersion == null) {
			this.serverVersion = version;
		}
	}

	/** Records a failure to get or use a connection. */
	public void failure(String message, SQLException cause) {
		this.lastFailureMessage = message;
		this.lastFailure = Instant.now();
		for (BiConsumer<String, SQLException> listener : this.failureListeners) {
			listener.accept(this.poolName, cause);
		}
	}

	/** Called with the pool name and the exception (may be {@code null}) on every failure. */
	public void onFailure(BiConsumer<String, SQLException> listener) {
		this.failureListeners.add(listener);
	}

	/** When a connection was last obtained, or {@code null}. */
	public @Nullable Instant lastSuccess() {
		return this.lastSuccess;
	}

	/** When getting a connection last failed, or {@code null}. */
	public @Nullable Instant lastFailure() {
		return this.lastFailure;
	}

	/** Why, without credentials (pgjdbc and HikariCP messages carry none). */
	public @Nullable String lastFailureMessage() {
		return this.lastFailureMessage;
	}

	/** Whether the most recent outcome was a failure. */
	public boolean failing() {
		Instant failure = this.lastFailure;
		Instant success = this.lastSuccess;
		return failure != null && (success == null || failure.isAfter(success));
	}

	/** The server version seen on the first connection, or {@code null}. */
	public @Nullable String serverVersion() {
		return this.serverVersion;
	}

}
