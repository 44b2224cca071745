package dev.neonstarter.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A JVM of its own on this JVM's classpath, which a test stops as a cancelled CI job or Ctrl-C stops a build
 * (SIGTERM), to see what it leaves behind. Its output is read as it comes, so that it never blocks on a full pipe.
 */
public final class ChildJvm implements AutoCloseable {

	private static final long WAIT_SECONDS = 30;

	private final Process process;

	private final List<String> lines = new CopyOnWriteArrayList<>();

	private ChildJvm(Process process) {
		this.process = process;
		Thread reader = new Thread(this::readOutput, "child-jvm-output");
		reader.setDaemon(true);
		reader.start();
	}

	/** Starts {@code main} with the given arguments. */
	public static ChildJvm start(Class<?> main, String... args) throws IOException {
		List<String> command = new ArrayList<>(List.of(
				Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
				System.getProperty("java.class.path"), main.getName()));
		command.addAll(List.of(args));
		return new ChildJvm(new ProcessBuilder(command).redirectErrorStream(true).start());
	}

	/** Waits up to 30 s for the condition: whether it held before then (and before the JVM ended). */
	public boolean await(BooleanSupplier condition) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
		while (!condition.getAsBoolean()) {
			if (!this.process.isAlive() || System.nanoTime() > deadline) {
				return condition.getAsBoolean();
			}
			Thread.sleep(20);
		}
		return true;
	}

	/** Waits up to 30 s for the JVM to print the line: whether it did. */
	public boolean awaitLine(String line) throws InterruptedException {
		return await(() -> this.lines.contains(line));
	}

	/** Waits up to 30 s for the JVM to end by itself: whether it did. */
	public boolean awaitExit() throws InterruptedException {
		return this.process.waitFor(WAIT_SECONDS, TimeUnit.SECONDS);
	}

	/** What the JVM has printed so far, a line each (standard output and error). */
	public List<String> lines() {
		return List.copyOf(this.lines);
	}

	/** Stops the JVM with SIGTERM and waits up to 30 s for it to end (its shutdown hooks run): whether it did. */
	public boolean stop() throws InterruptedException {
		this.process.destroy();
		return this.process.waitFor(WAIT_SECONDS, TimeUnit.SECONDS);
	}

	/**
	 * Kills the JVM with SIGKILL, as the OOM killer or an IDE's forced stop do (no shutdown hook runs), and waits
	 * up to 30 s for it to end: whether it did.
	 */
	public boolean kill() throws InterruptedException {
		this.process.destroyForcibly();
		return this.process.waitFor(WAIT_SECONDS, TimeUnit.SECONDS);
	}

	/** Kills the JVM if it still runs. */
	@Override
	public void close() {
		this.process.destroyForcibly();
	}

	private void readOutput() {
		try (BufferedReader output = new BufferedReader(
				new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
			for (String line = output.readLine(); line != null; line = output.readLine()) {
				this.lines.add(line);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
