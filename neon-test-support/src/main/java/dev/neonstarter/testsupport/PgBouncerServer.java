package dev.neonstarter.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A real PgBouncer (Debian's package) configured like Neon's pooler: transaction pooling, TLS required from
 * clients, SCRAM authentication. PgBouncer 1.18 has no protocol-level prepared statement support (Neon's
 * newer PgBouncer has, with {@code max_prepared_statements=1000}); tests that need it say so explicitly.
 */
public final class PgBouncerServer implements AutoCloseable {

	private final Path directory;

	private final int port;

	private final Process process;

	private PgBouncerServer(Path directory, int port, Process process) {
		this.directory = directory;
		this.port = port;
		this.process = process;
	}

	/** The pgbouncer executable, if installed. */
	public static Optional<Path> executable() {
		// Where Debian installs it, then the PATH.
		return Executables.find("pgbouncer", Paths.get("/usr/sbin"), Paths.get("/usr/bin"),
				Paths.get("/usr/local/bin"));
	}

	/**
	 * Starts PgBouncer in front of the given PostgreSQL.
	 * @param directory where its configuration and log go
	 * @param postgresPort the server's port on 127.0.0.1
	 * @param users user name to password, for its auth file (also used to log in to the server)
	 * @param certificates the server certificate and key it presents to clients
	 * @param poolSize server connections per user and database ({@code default_pool_size})
	 * @param queryWaitTimeoutSeconds how long a query may wait for a server connection (Neon: 120)
	 */
	static PgBouncerServer start(Path directory, int postgresPort, Map<String, String> users,
			TestCertificates certificates, int poolSize, int queryWaitTimeoutSeconds) {
		Path executable = executable()
			.orElseThrow(() -> new IllegalStateException("pgbouncer is not installed: apt-get install -y pgbouncer"));
		try {
			Files.createDirectories(directory);
			int port = freePort();
			StringBuilder userlist = new StringBuilder();
			users.forEach((user, password) -> userlist.append('"').append(user).append("\" \"").append(password).append("\"\n"));
			Files.writeString(directory.resolve("userlist.txt"), userlist);
			Files.copy(certificates.serverCertificate(), directory.resolve("server.crt"));
			Files.copy(certificates.serverKey(), directory.resolve("server.key"));
			Files.copy(certificates.caCertificate(), directory.resolve("root.crt"));
			Path ini = directory.resolve("pgbouncer.ini");
			Files.writeString(ini, """
					[databases]
					* = host=127.0.0.1 port=%d

					[pgbouncer]
					listen_addr = 127.0.0.1
					listen_port = %d
					unix_socket_dir =
					pidfile = %s
					logfile = %s
					auth_type = scram-sha-256
					auth_file = %s
					pool_mode = transaction
					default_pool_size = %d
					max_client_conn = 1000
					server_round_robin = 0
					query_wait_timeout = %d
					; pgjdbc sends extra_float_digits in its startup packet, and Neon's pooler accepts pgjdbc.
					ignore_startup_parameters = extra_float_digits
					client_tls_sslmode = require
					client_tls_cert_file = %s
					client_tls_key_file = %s
					client_tls_ca_file = %s
					server_tls_sslmode = require
					""".formatted(postgresPort, port, directory.resolve("pgbouncer.pid"),
					directory.resolve("pgbouncer.log"), directory.resolve("userlist.txt"), poolSize, queryWaitTimeoutSeconds,
					directory.resolve("server.crt"), directory.resolve("server.key"), directory.resolve("root.crt")));
			List<String> command = new ArrayList<>(List.of(executable.toString()));
			if (isRoot()) {
				// PgBouncer refuses to run as root; give its files to an unprivileged user and switch to it.
				chownRecursively(directory, "nobody");
				command.add("-u");
				command.add("nobody");
			}
			command.add(ini.toString());
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(directory.resolve("pgbouncer.stdout").toFile())
				.start();
			PgBouncerServer server = new PgBouncerServer(directory, port, process);
			server.awaitListening();
			return server;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public int port() {
		return this.port;
	}

	/** The end of PgBouncer's log, for assertion messages. */
	String log() {
		try {
			Path log = this.directory.resolve("pgbouncer.log");
			return Files.exists(log) ? Files.readString(log) : "";
		}
		catch (IOException ex) {
			return "(log unreadable: " + ex.getMessage() + ")";
		}
	}

	@Override
	public void close() {
		Executables.stop(this.process);
	}

	private void awaitListening() throws IOException {
		long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
		while (System.nanoTime() < deadline) {
			if (!this.process.isAlive()) {
				throw new IllegalStateException("pgbouncer exited with " + this.process.exitValue() + ": "
						+ Files.readString(this.directory.resolve("pgbouncer.stdout")) + log());
			}
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress("127.0.0.1", this.port), 200);
				return;
			}
			catch (IOException ex) {
				try {
					Thread.sleep(50);
				}
				catch (InterruptedException interrupted) {
					Thread.currentThread().interrupt();
					throw new IllegalStateException(interrupted);
				}
			}
		}
		close();
		throw new IllegalStateException("pgbouncer did not listen on " + this.port + ": " + log());
	}

	static boolean isRoot() {
		return "root".equals(System.getProperty("user.name"));
	}

	static void chownRecursively(Path root, String user) throws IOException {
		UserPrincipal owner = root.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(user);
		try (Stream<Path> paths = Files.walk(root)) {
			for (Path path : paths.toList()) {
				Files.setOwner(path, owner);
			}
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
