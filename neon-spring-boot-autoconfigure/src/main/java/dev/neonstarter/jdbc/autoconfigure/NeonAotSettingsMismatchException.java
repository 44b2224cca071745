package dev.neonstarter.jdbc.autoconfigure;

/**
 * Thrown at startup when an application processed ahead of time (Spring AOT) runs with settings that would have
 * chosen other Neon beans than the ones fixed when it was processed: for example processed with the embedded
 * PostgreSQL and run with {@code DATABASE_URL}. The message names properties, never their values.
 */
class NeonAotSettingsMismatchException extends IllegalStateException {

	private final String processedProfiles;

	private final String runProfiles;

	NeonAotSettingsMismatchException(String message, String processedProfiles, String runProfiles) {
		super(message);
		this.processedProfiles = processedProfiles;
		this.runProfiles = runProfiles;
	}

	/** The profiles active when the application was processed, as the message shows them. */
	public String getProcessedProfiles() {
		return this.processedProfiles;
	}

	/** The profiles active in this run, comma-separated (empty for none). */
	public String getRunProfiles() {
		return this.runProfiles;
	}

}
