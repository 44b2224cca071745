package dev.neonstarter.connection;

/**
 * Thrown when a connection string cannot be used. The message says what is wrong and, when known, which
 * property or environment variable held the string; it never contains the password.
 */
public class InvalidNeonConnectionStringException extends IllegalArgumentException {

	private final String reason;

	private final String source;

	public InvalidNeonConnectionStringException(String reason) {
		this(reason, null);
	}

	public InvalidNeonConnectionStringException(String reason, String source) {
		super(((source != null) ? "Invalid connection string in " + source : "Invalid connection string") + ": "
				+ reason);
		this.reason = reason;
		this.source = source;
	}

	/** What is wrong, without the source. */
	public String getReason() {
		return this.reason;
	}

	/** The property or environment variable the string came from, or {@code null}. */
	public String getSource() {
		return this.source;
	}

	/** The same error, attributed to a property or environment variable. */
	public InvalidNeonConnectionStringException withSource(String newSource) {
		InvalidNeonConnectionStringException attributed = new InvalidNeonConnectionStringException(this.reason,
				newSource);
		attributed.setStackTrace(getStackTrace());
		return attributed;
	}

}
