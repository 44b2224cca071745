package dev.neonstarter.resilience;

import java.util.function.Supplier;

import io.github.resilience4j.retry.Retry;

import org.springframework.transaction.support.TransactionCallback;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs a unit of database work with the {@code neon} retry: transient failures (a compute resuming, a
 * connection cut by a suspend, a serialization failure) are retried with backoff; permanent ones and an open
 * circuit breaker are not. Retried work runs again from its start, so make writes idempotent.
 * <pre class="code">
 * Note note = neon.inTransaction((status) -&gt; repository.create(text));
 * </pre>
 */
public class NeonOperations {

	private final Retry retry;

	private final TransactionTemplate transactions;

	public NeonOperations(Retry retry, TransactionTemplate transactions) {
		this.retry = retry;
		this.transactions = transactions;
	}

	/** Runs the work, retrying transient failures. */
	public <T> T execute(Supplier<T> work) {
		return Retry.decorateSupplier(this.retry, work).get();
	}

	/** Runs the work, retrying transient failures. */
	public void run(Runnable work) {
		execute(() -> {
			work.run();
			return null;
		});
	}

	/** Runs the work in a new transaction per attempt, so a retry repeats the whole transaction. */
	public <T> T inTransaction(TransactionCallback<T> work) {
		if (this.transactions == null) {
			throw new IllegalStateException("No PlatformTransactionManager: inTransaction needs one");
		}
		return execute(() -> this.transactions.execute(work));
	}

}
