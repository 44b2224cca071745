package dev.neonstarter.pool;

import java.util.concurrent.atomic.AtomicReferenceArray;

import org.jspecify.annotations.Nullable;

/**
 * A fixed array of slots that a thread claims for the length of one call (waiting for a connection, one
 * statement) and frees at its end: a compare-and-set each way and no allocation, where a concurrent set would
 * allocate a node per call. A thread starts looking at a slot picked from its identity and tries a few more;
 * when they are all taken the caller falls back to a structure of its own. Only the thread that claimed a slot
 * frees it; others may read it, and change what it holds with {@link #replace}.
 */
final class ThreadSlots {

	/** What {@link #claim} returns when no slot was free. */
	static final int NONE = -1;

	private static final int PROBES = 8;

	private final AtomicReferenceArray<@Nullable Object> slots;

	private final int mask;

	/**
	 * @param capacity a power of two
	 */
	ThreadSlots(int capacity) {
		if (Integer.bitCount(capacity) != 1) {
			throw new IllegalArgumentException("capacity must be a power of two: " + capacity);
		}
		this.slots = new AtomicReferenceArray<>(capacity);
		this.mask = capacity - 1;
	}

	/** Puts the value in a free slot and returns the slot's index, or {@link #NONE} if none was free. */
	int claim(Object value) {
		int hash = System.identityHashCode(Thread.currentThread());
		int start = hash ^ (hash >>> 16);
		for (int i = 0; i < PROBES; i++) {
			int index = (start + i) & this.mask;
			if (this.slots.get(index) == null && this.slots.compareAndSet(index, null, value)) {
				return index;
			}
		}
		return NONE;
	}

	/** Frees a slot this thread claimed (a release store: what the thread wrote before stays ordered before it). */
	void free(int index) {
		this.slots.lazySet(index, null);
	}

	/** Sets what a slot holds (for the thread that claimed it, or one that {@link #replace replaced} its value). */
	void set(int index, Object value) {
		this.slots.set(index, value);
	}

	/** Replaces what the slot holds if it still holds {@code expected}. */
	boolean replace(int index, Object expected, @Nullable Object value) {
		return this.slots.compareAndSet(index, expected, value);
	}

	@Nullable Object get(int index) {
		return this.slots.get(index);
	}

	int capacity() {
		return this.slots.length();
	}

	/** Whether no slot is taken. */
	boolean isEmpty() {
		for (int i = 0; i < this.slots.length(); i++) {
			if (this.slots.get(i) != null) {
				return false;
			}
		}
		return true;
	}

}
