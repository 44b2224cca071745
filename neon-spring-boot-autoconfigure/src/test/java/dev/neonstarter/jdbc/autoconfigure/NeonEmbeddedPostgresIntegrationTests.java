package dev.neonstarter.jdbc.autoconfigure;

import java.io.IOException;
import java.net.Socket;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.neonstarter.testsupport.ChildJvm;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

class NeonEmbeddedPostgresIntegrationTests {

	/** What the embedded PostgreSQL replaces: never reached. */
	static final String ELSEWHERE = "postgresql://app:secret@ep-cool-darkness-123456.us-east-2.aws.neon.tech/neondb";

	/** The log line of the starter's that gives the embedded server's port, shared or not. */
	private static final Pattern STARTED = Pattern.compile("Started an embedded PostgreSQL on localhost:(\\d+)\\b");

	@Test
	void embeddedDefaultServesBothPoolsAndFlyway() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(NeonDataSourceAutoConfiguration.class,
					DataSourceAutoConfiguration.class, FlywayAutoConfiguration.class,
					JdbcTemplateAutoConfiguration.class))
			.withPropertyValues("neon.embedded.enabled=true", "spring.flyway.locations=classpath:db/embedded-migration")
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(EmbeddedPostgres.class);
				JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
				assertThat(jdbc.queryForObject("SELECT count(*) FROM embedded_check", Integer.class)).isEqualTo(1);
				assertThat(jdbc.queryForObject("SHOW server_version_num", Integer.class)).isGreaterThan(140000);
			});
	}

	@Test
	void testContextsShareOneServerEachOnADatabaseOfItsOwnDroppedWhenItCloses() {
		ApplicationContextRunner runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(NeonDataSourceAutoConfiguration.class,
					DataSourceAutoConfiguration.class, JdbcTemplateAutoConfiguration.class))
			.withPropertyValues("neon.embedded.replace=true", "neon.url=" + ELSEWHERE);
		List<String> names = new CopyOnWriteArrayList<>();
		runner.run((first) -> {
			assertThat(first).hasNotFailed();
			EmbeddedPostgres server = first.getBean(EmbeddedPostgres.class);
			JdbcTemplate firstJdbc = first.getBean(JdbcTemplate.class);
			names.add(firstJdbc.queryForObject("SELECT current_database()", String.class));
			firstJdbc.execute("CREATE TABLE only_here (id int)");
			runner.run((second) -> {
				assertThat(second).hasNotFailed();
				assertThat(second.getBean(EmbeddedPostgres.class)).isSameAs(server);
				JdbcTemplate secondJdbc = second.getBean(JdbcTemplate.class);
				names.add(secondJdbc.queryForObject("SELECT current_database()", String.class));
				assertThat(names.get(1)).isNotEqualTo(names.get(0)).isNotEqualTo("postgres");
				assertThat(secondJdbc.queryForObject("SELECT to_regclass('only_here') IS NULL", Boolean.class))
					.isTrue();
				assertThat(databases(server)).contains(names.get(0), names.get(1));
			});
			// The second context's database is gone; the first's is still served.
			assertThat(databases(server)).contains(names.get(0)).doesNotContain(names.get(1));
			assertThat(firstJdbc.queryForObject("SELECT count(*) FROM only_here", Integer.class)).isZero();
		});
		runner.run((third) -> assertThat(databases(third.getBean(EmbeddedPostgres.class)))
			.doesNotContainAnyElementsOf(names));
	}

	@Test
	void withoutSharingEachContextStartsAndStopsAServerOfItsOwn() {
		ApplicationContextRunner runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(NeonDataSourceAutoConfiguration.class,
					DataSourceAutoConfiguration.class, JdbcTemplateAutoConfiguration.class))
			.withPropertyValues("neon.embedded.replace=true", "neon.embedded.shared=false", "neon.url=" + ELSEWHERE);
		List<EmbeddedPostgres> servers = new CopyOnWriteArrayList<>();
		runner.run((first) -> runner.run((second) -> {
			servers.add(first.getBean(EmbeddedPostgres.class));
			servers.add(second.getBean(EmbeddedPostgres.class));
			assertThat(second.getBean(JdbcTemplate.class).queryForObject("SELECT current_database()", String.class))
				.isEqualTo("postgres");
		}));
		assertThat(servers.get(0).getPort()).isNotEqualTo(servers.get(1).getPort());
		for (EmbeddedPostgres server : servers) {
			assertThat(accepts(server)).as("server on port " + server.getPort() + " stopped").isFalse();
		}
	}

	@Test
	void atJvmExitTheContextClosesQuietlyWhileTheSharedServerStops() throws Exception {
		runQuietlyStoppingItsServer(SharedEmbeddedPostgresAtExit.class);
	}

	@Test
	void aTrainingRunThatHaltsTheJvmAfterTheRefreshStopsTheServerFirst() throws Exception {
		List<String> lines = runQuietlyStoppingItsServer(EmbeddedPostgresTrainingRun.class);
		// Halted once refreshed, after Flyway had migrated the embedded database.
		assertThat(lines).noneMatch((line) -> line.equals("not halted"))
			.anyMatch((line) -> line.contains("Successfully applied 1 migration"));
	}

	@Test
	void theServerOfAKilledJvmIsStoppedByALaterStartOnceTenMinutesOld() throws Exception {
		int port;
		try (ChildJvm jvm = ChildJvm.start(EmbeddedPostgresKilled.class)) {
			assertThat(jvm.await(() -> killedPort(jvm.lines()) > 0)).as("the child JVM's server started").isTrue();
			port = killedPort(jvm.lines());
			// SIGKILL, as the OOM killer or an IDE's forced stop: no shutdown hook stops the server.
			assertThat(jvm.kill()).isTrue();
		}
		Path dataDirectory = dataDirectoryOf(port);
		try {
			assertThat(accepts(port)).as("the killed JVM's server still runs").isTrue();
			// Not in a temporary directory of its own (zonky's default), which nothing cleans up.
			assertThat(dataDirectory.getParent()).isEqualTo(NeonEmbeddedDatabase.workingDirectory().toPath());
			// zonky stops such a server, from its working directory, once no JVM holds the data directory's lock
			// and the lock file is 10 minutes old.
			Files.setLastModifiedTime(dataDirectory.resolve("epg-lock"),
					FileTime.from(Instant.now().minus(Duration.ofMinutes(11))));
			try (NeonEmbeddedDatabase next = NeonEmbeddedDatabase.onOwnServer()) {
				assertThat(accepts(port)).as("the killed JVM's server stopped").isFalse();
				assertThat(dataDirectory).doesNotExist();
				assertThat(accepts(next.server())).isTrue();
			}
		}
		finally {
			stopIfRunning(dataDirectory);
		}
	}

	private static int killedPort(List<String> lines) {
		return lines.stream()
			.filter((line) -> line.startsWith("embedded port "))
			.mapToInt((line) -> Integer.parseInt(line.substring("embedded port ".length()).strip()))
			.findFirst()
			.orElse(-1);
	}

	/**
	 * The data directory of the server on the port (postmaster.pid's fourth line is its port), in zonky's working
	 * directory or the temporary directory.
	 */
	private static Path dataDirectoryOf(int port) throws IOException {
		List<Path> directories = new ArrayList<>();
		for (Path parent : List.of(NeonEmbeddedDatabase.workingDirectory().toPath(),
				Path.of(System.getProperty("java.io.tmpdir")))) {
			try (Stream<Path> children = Files.list(parent)) {
				children.filter(Files::isDirectory).forEach(directories::add);
			}
		}
		return directories.stream()
			.filter((directory) -> postmasterPid(directory).size() > 3
					&& postmasterPid(directory).get(3).strip().equals(Integer.toString(port)))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no data directory of the server on port " + port));
	}

	private static List<String> postmasterPid(Path dataDirectory) {
		try {
			return Files.readAllLines(dataDirectory.resolve("postmaster.pid"));
		}
		catch (IOException ex) {
			return List.of();
		}
	}

	/** Stops a server the test left running (SIGTERM to its postmaster), so that a failure leaks none. */
	private static void stopIfRunning(Path dataDirectory) {
		List<String> pid = postmasterPid(dataDirectory);
		if (!pid.isEmpty()) {
			ProcessHandle.of(Long.parseLong(pid.get(0).strip())).ifPresent(ProcessHandle::destroy);
		}
	}

	/**
	 * Runs {@code main} in a JVM of its own to its end, and checks that it logged no WARN or ERROR and that the
	 * embedded PostgreSQL it started no longer accepts connections.
	 * @return the JVM's output
	 */
	private static List<String> runQuietlyStoppingItsServer(Class<?> main) throws Exception {
		try (ChildJvm jvm = ChildJvm.start(main)) {
			assertThat(jvm.awaitExit()).isTrue();
			List<String> lines = jvm.lines();
			int port = lines.stream()
				.map(STARTED::matcher)
				.filter(Matcher::find)
				.map((started) -> Integer.parseInt(started.group(1)))
				.findFirst()
				.orElseThrow(() -> new AssertionError("the child JVM did not start a server: " + lines));
			assertThat(lines).noneMatch((line) -> line.contains("WARN") || line.contains("ERROR"));
			assertThat(accepts(port)).as("server on port " + port + " stopped").isFalse();
			return lines;
		}
	}

	/** The databases of the server that are not PostgreSQL's own. */
	private static List<String> databases(EmbeddedPostgres server) {
		return new JdbcTemplate(server.getPostgresDatabase()).queryForList(
				"SELECT datname FROM pg_database WHERE NOT datistemplate AND datname <> 'postgres' ORDER BY oid",
				String.class);
	}

	private static boolean accepts(EmbeddedPostgres server) {
		return accepts(server.getPort());
	}

	private static boolean accepts(int port) {
		try (Socket socket = new Socket("localhost", port)) {
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	@Test
	void theEmbeddedPostgresShutdownHookDoesNotHoldTheApplicationClassLoader() throws Exception {
		// EmbeddedPostgres registers a shutdown hook that close() leaves registered until the JVM exits. A thread
		// takes its creator's context class loader: seen here as the hook is created, on the creating thread.
		List<ClassLoader> hookClassLoaders = new CopyOnWriteArrayList<>();
		InheritableThreadLocal<Boolean> watch = new InheritableThreadLocal<>() {

			@Override
			protected Boolean childValue(Boolean parentValue) {
				if (StackWalker.getInstance().walk((frames) -> frames.anyMatch(this::createsTheHook))) {
					hookClassLoaders.add(Thread.currentThread().getContextClassLoader());
				}
				return parentValue;
			}

			private boolean createsTheHook(StackWalker.StackFrame frame) {
				return frame.getClassName().equals(EmbeddedPostgres.class.getName())
						&& frame.getMethodName().equals("newCloserThread");
			}

		};
		Thread thread = Thread.currentThread();
		ClassLoader original = thread.getContextClassLoader();
		// What Spring Boot DevTools' restart class loader is to an application: one per context.
		try (URLClassLoader application = new URLClassLoader(new URL[0], original)) {
			watch.set(true);
			thread.setContextClassLoader(application);
			try {
				new ApplicationContextRunner()
					.withConfiguration(AutoConfigurations.of(NeonDataSourceAutoConfiguration.class,
							DataSourceAutoConfiguration.class))
					.withPropertyValues("neon.embedded.enabled=true")
					.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(EmbeddedPostgres.class));
			}
			finally {
				thread.setContextClassLoader(original);
				watch.remove();
			}
			assertThat(hookClassLoaders).containsExactly(EmbeddedPostgres.class.getClassLoader())
				.doesNotContain(application);
		}
	}

}
