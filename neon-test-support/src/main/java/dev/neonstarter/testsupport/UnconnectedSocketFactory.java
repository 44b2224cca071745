package dev.neonstarter.testsupport;

import java.net.InetAddress;
import java.net.Socket;

import javax.net.SocketFactory;

/**
 * Base of the test socket factories given to pgjdbc ({@code socketFactory}): pgjdbc only asks for unconnected
 * sockets, so the connected variants are refused.
 */
public abstract class UnconnectedSocketFactory extends SocketFactory {

	@Override
	public abstract Socket createSocket();

	@Override
	public Socket createSocket(String host, int port) {
		throw unconnectedOnly();
	}

	@Override
	public Socket createSocket(String host, int port, InetAddress localHost, int localPort) {
		throw unconnectedOnly();
	}

	@Override
	public Socket createSocket(InetAddress host, int port) {
		throw unconnectedOnly();
	}

	@Override
	public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) {
		throw unconnectedOnly();
	}

	private static UnsupportedOperationException unconnectedOnly() {
		return new UnsupportedOperationException("pgjdbc creates unconnected sockets");
	}

}
