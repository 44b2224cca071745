package dev.neonstarter.benchmarks;

import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The CPU time of another JVM, read from Linux's {@code /proc} every 100 ms while a measurement runs, in two parts:
 * its JIT compiler threads ({@code C1 CompilerThread*}, {@code C2 CompilerThread*}) and all its threads. It reads
 * files only, so it does not load the JVM it measures (a scrape of the app's metrics would). Each thread's time is
 * kept from the last time it was seen, so a compiler thread the JVM ends (they come and go with
 * {@code UseDynamicNumberOfCompilerThreads}) still counts.
 */
final class JvmCpu implements AutoCloseable {

	/** Linux's clock ticks per second ({@code getconf CLK_TCK}), the unit of {@code /proc}'s CPU times. */
	private static final int TICKS_PER_SECOND = 100;

	private final Path task;

	/** Each thread's CPU time when it was last seen, by thread id. */
	private final Map<String, ThreadTime> threads = new HashMap<>();

	/** Epoch ms of each sample, and the CPU ms so far: {JIT compiler threads, all threads}. */
	private final NavigableMap<Long, long[]> samples = new ConcurrentSkipListMap<>();

	private final Thread sampler;

	private volatile boolean running = true;

	private JvmCpu(long pid) {
		this.task = Path.of("/proc", Long.toString(pid), "task");
		this.sampler = new Thread(this::sample, "jvm-cpu-" + pid);
		this.sampler.setDaemon(true);
	}

	/** Starts sampling the process; an empty record where {@code /proc} does not exist. */
	static JvmCpu sample(Process process) {
		return sample(process.pid());
	}

	static JvmCpu sample(long pid) {
		JvmCpu cpu = new JvmCpu(pid);
		if (Files.isDirectory(cpu.task)) {
			cpu.sampler.start();
		}
		return cpu;
	}

	/** The samples so far: epoch ms, then {JIT compiler threads' CPU ms, the whole JVM's CPU ms} since it started. */
	NavigableMap<Long, long[]> samples() {
		return this.samples;
	}

	@Override
	public void close() throws InterruptedException {
		this.running = false;
		this.sampler.join(1000);
	}

	private void sample() {
		while (this.running) {
			try {
				readOnce();
				Thread.sleep(100);
			}
			catch (InterruptedException ex) {
				return;
			}
			catch (IOException | DirectoryIteratorException ex) {
				// The process ended.
				return;
			}
		}
	}

	private void readOnce() throws IOException {
		try (DirectoryStream<Path> tasks = Files.newDirectoryStream(this.task)) {
			for (Path thread : tasks) {
				try {
					this.threads.put(thread.getFileName().toString(),
							ThreadTime.parse(Files.readString(thread.resolve("stat"))));
				}
				catch (IOException ex) {
					// The thread ended between the listing and the read: its last sample stays.
				}
			}
		}
		long jit = 0;
		long all = 0;
		for (ThreadTime thread : this.threads.values()) {
			all += thread.ticks();
			jit += thread.compiler() ? thread.ticks() : 0;
		}
		this.samples.put(System.currentTimeMillis(), new long[] { toMillis(jit), toMillis(all) });
	}

	private static long toMillis(long ticks) {
		return ticks * 1000 / TICKS_PER_SECOND;
	}

	/**
	 * A thread's line in {@code /proc/PID/task/TID/stat}: its name, in parentheses (it may hold spaces and
	 * parentheses), then its fields from the state on; user and system time are the 14th and 15th fields.
	 */
	record ThreadTime(String name, long ticks) {

		static ThreadTime parse(String stat) {
			int open = stat.indexOf('(');
			int close = stat.lastIndexOf(')');
			String name = stat.substring(open + 1, close);
			String[] fields = stat.substring(close + 2).trim().split("\\s+");
			// fields[0] is the 3rd field (the state): utime is the 14th, stime the 15th.
			return new ThreadTime(name, Long.parseLong(fields[11]) + Long.parseLong(fields[12]));
		}

		/** HotSpot's JIT compiler threads ("C2 CompilerThread0", cut to 15 characters by Linux). */
		boolean compiler() {
			return this.name.startsWith("C1 CompilerThre") || this.name.startsWith("C2 CompilerThre");
		}

	}

}
