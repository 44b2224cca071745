package dev.neonstarter.connection;

/**
 * A connection string names a parameter that is neither a libpq parameter the starter translates nor a
 * pgjdbc connection property. Nothing is dropped silently: pgjdbc would ignore it.
 */
public class UnknownConnectionParameterException extends InvalidNeonConnectionStringException {

	private final String parameter;

	private final String suggestion;

	UnknownConnectionParameterException(String reason, String source, String parameter, String suggestion) {
		super(reason, source);
		this.parameter = parameter;
		this.suggestion = suggestion;
	}

	/** The unknown parameter's name, as given. */
	public String getParameter() {
		return this.parameter;
	}

	/** What to write instead (a pgjdbc property, or why there is none), or {@code null}. */
	public String getSuggestion() {
		return this.suggestion;
	}

	@Override
	public UnknownConnectionParameterException withSource(String newSource) {
		UnknownConnectionParameterException attributed = new UnknownConnectionParameterException(getReason(),
				newSource, this.parameter, this.suggestion);
		attributed.setStackTrace(getStackTrace());
		return attributed;
	}

}
