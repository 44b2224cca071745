package dev.neonstarter.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

/**
 * A TCP proxy on loopback that sits between an application and a server (PostgreSQL or PgBouncer) and breaks
 * the network on request: added latency, connections reset (as when a Neon compute is suspended or a load
 * balancer drops them) and a black hole (packets vanish: nothing is refused, nothing answers).
 * <p>
 * It forwards bytes and knows nothing of the protocol, so TLS goes through it end to end; point the client
 * at {@code localhost:}{@link #port()} and the server certificate for {@code localhost} still verifies.
 */
public final class FaultProxy implements AutoCloseable {

	private final ServerSocket listener;

	private final int targetPort;

	private final ExecutorService threads = Executors.newCachedThreadPool((runnable) -> {
		Thread thread = new Thread(runnable, "fault-proxy");
		thread.setDaemon(true);
		return thread;
	});

	private final Set<Link> links = ConcurrentHashMap.newKeySet();

	private final AtomicInteger accepted = new AtomicInteger();

	private volatile long latencyMillis;

	private volatile boolean blackHole;

	private FaultProxy(ServerSocket listener, int targetPort) {
		this.listener = listener;
		this.targetPort = targetPort;
	}

	/** A proxy from a free loopback port to {@code 127.0.0.1:targetPort}, forwarding faithfully until told otherwise. */
	public static FaultProxy start(int targetPort) {
		try {
			ServerSocket listener = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
			FaultProxy proxy = new FaultProxy(listener, targetPort);
			proxy.threads.execute(proxy::acceptLoop);
			return proxy;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public int port() {
		return this.listener.getLocalPort();
	}

	/** Delays every chunk of bytes, in both directions, by the given time. */
	public void latency(Duration oneWay) {
		this.latencyMillis = oneWay.toMillis();
	}

	/**
	 * From now on, bytes in both directions are swallowed, on open connections and on new ones, which are still
	 * accepted: the client sees neither an error nor an answer, only its own timeouts.
	 */
	public void blackHole() {
		this.blackHole = true;
	}

	/** Back to faithful forwarding: no latency, no black hole. Connections that were black-holed stay silent. */
	public void heal() {
		this.latencyMillis = 0;
		this.blackHole = false;
	}

	/** Resets (TCP RST) every open connection on both sides; new connections are forwarded as before. */
	public int resetAll() {
		int reset = 0;
		for (Link link : Set.copyOf(this.links)) {
			link.reset();
			reset++;
		}
		return reset;
	}

	/** Client connections accepted since the start: every connection attempt of the application. */
	public int acceptedConnections() {
		return this.accepted.get();
	}

	@Override
	public void close() {
		try {
			this.listener.close();
		}
		catch (IOException ex) {
			// closing anyway
		}
		resetAll();
		this.threads.shutdownNow();
	}

	private void acceptLoop() {
		while (!this.listener.isClosed()) {
			try {
				Socket client = this.listener.accept();
				this.accepted.incrementAndGet();
				this.threads.execute(() -> open(client));
			}
			catch (IOException ex) {
				// closed
			}
		}
	}

	private void open(Socket client) {
		boolean silent = this.blackHole;
		Socket server = silent ? null : new Socket();
		try {
			if (server != null) {
				server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.targetPort), 5000);
			}
		}
		catch (IOException ex) {
			closeQuietly(client);
			closeQuietly(server);
			return;
		}
		Link link = new Link(client, server, silent);
		this.links.add(link);
		this.threads.execute(() -> pump(link, client, server));
		if (server != null) {
			this.threads.execute(() -> pump(link, server, client));
		}
	}

	private void pump(Link link, Socket from, @Nullable Socket to) {
		byte[] buffer = new byte[16 * 1024];
		try (InputStream in = from.getInputStream()) {
			OutputStream out = (to != null) ? to.getOutputStream() : null;
			int read;
			while ((read = in.read(buffer)) != -1) {
				if (link.silent || this.blackHole) {
					// Keep reading so the sender never notices back-pressure: the bytes are simply lost.
					link.silent = true;
					continue;
				}
				long delay = this.latencyMillis;
				if (delay > 0) {
					Thread.sleep(delay);
				}
				out.write(buffer, 0, read);
				out.flush();
			}
			// Orderly end from one side: pass it on, unless the link went silent.
			if (!link.silent) {
				link.close();
			}
		}
		catch (IOException ex) {
			if (!link.silent) {
				link.reset();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			link.reset();
		}
	}

	private static void closeQuietly(@Nullable Socket socket) {
		if (socket == null) {
			return;
		}
		try {
			socket.close();
		}
		catch (IOException ex) {
			// nothing left to do
		}
	}

	private final class Link {

		private final Socket client;

		/** Absent when the link was black-holed from the start. */
		private final @Nullable Socket server;

		volatile boolean silent;

		Link(Socket client, @Nullable Socket server, boolean silent) {
			this.client = client;
			this.server = server;
			this.silent = silent;
		}

		void reset() {
			abort(this.client);
			if (this.server != null) {
				abort(this.server);
			}
			FaultProxy.this.links.remove(this);
		}

		void close() {
			closeQuietly(this.client);
			if (this.server != null) {
				closeQuietly(this.server);
			}
			FaultProxy.this.links.remove(this);
		}

		private static void abort(Socket socket) {
			try {
				// Linger 0: close sends RST instead of FIN, as a dropped connection looks to the peer.
				socket.setSoLinger(true, 0);
			}
			catch (SocketException ex) {
				// already closed
			}
			closeQuietly(socket);
		}

	}

}
