package dev.neonstarter.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import dev.neonstarter.testsupport.NeonTestTopology;
import dev.neonstarter.testsupport.PgBouncerServer;

/** The machine and software a run measured, for the report. */
record Machine(int cpus, String cpuModel, String memory, String jdk, String os, String postgres, String pgbouncer,
		String wrk, String commit) {

	static Machine describe(NeonTestTopology topology, Path root) {
		String cpuModel = grep(Path.of("/proc/cpuinfo"), "model name").replaceFirst(".*:\\s*", "");
		String memTotal = grep(Path.of("/proc/meminfo"), "MemTotal").replaceAll("\\D", "");
		String memory = memTotal.isEmpty() ? "unknown" : String.format("%.1f GiB", Long.parseLong(memTotal) / 1024.0 / 1024.0);
		String jdk = System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version") + " ("
				+ System.getProperty("java.vendor") + ")";
		String os = System.getProperty("os.name") + " " + System.getProperty("os.version") + ", "
				+ grep(Path.of("/etc/os-release"), "PRETTY_NAME").replaceFirst("PRETTY_NAME=", "").replace("\"", "");
		String postgres;
		try (var connection = topology.postgres().adminDataSource("postgres").getConnection();
				var result = connection.createStatement().executeQuery("SHOW server_version")) {
			result.next();
			postgres = "PostgreSQL " + result.getString(1) + " (io.zonky.test embedded binaries)";
		}
		catch (java.sql.SQLException ex) {
			postgres = "unknown: " + ex.getMessage();
		}
		String pgbouncer = PgBouncerServer.executable().map((path) -> firstLine(path.toString(), "--version")).orElse("not installed");
		String commit = firstLine("git", "-C", root.toString(), "rev-parse", "--short", "HEAD");
		String dirty = firstLine("git", "-C", root.toString(), "status", "--porcelain", "--untracked-files=no");
		return new Machine(Runtime.getRuntime().availableProcessors(), cpuModel, memory, jdk, os, postgres, pgbouncer,
				Wrk.version(), commit + (dirty.isEmpty() ? "" : " (with uncommitted changes)"));
	}

	/** What {@code uptime} prints: the load averages over 1, 5 and 15 minutes. */
	static String uptime() {
		return firstLine("uptime");
	}

	static String firstLine(String... command) {
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
			process.waitFor(10, TimeUnit.SECONDS);
			return output.isEmpty() ? "" : output.lines().findFirst().orElse("").trim();
		}
		catch (IOException ex) {
			return "unavailable (" + ex.getMessage() + ")";
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return "unavailable";
		}
	}

	private static String grep(Path file, String prefix) {
		try {
			return Files.readAllLines(file).stream().filter((line) -> line.startsWith(prefix)).findFirst().orElse("");
		}
		catch (IOException ex) {
			return "";
		}
	}

}
