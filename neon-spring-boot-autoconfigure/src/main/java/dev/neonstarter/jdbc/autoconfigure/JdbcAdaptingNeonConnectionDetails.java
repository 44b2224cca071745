package dev.neonstarter.jdbc.autoconfigure;

import dev.neonstarter.connection.NeonConnectionString;

import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;

/**
 * {@link NeonConnectionDetails} from Spring Boot's {@link JdbcConnectionDetails} (Docker Compose, Boot's own
 * Testcontainers service connections, an application's bean), so both pools follow them. Like a
 * {@code neon.url}, a Neon host gives both endpoints; any other server is used for both pools.
 */
final class JdbcAdaptingNeonConnectionDetails implements NeonConnectionDetails {

	private final NeonConnectionString pooled;

	private final NeonConnectionString direct;

	private final String source;

	JdbcAdaptingNeonConnectionDetails(JdbcConnectionDetails jdbc) {
		this.source = "Spring Boot's JdbcConnectionDetails (" + jdbc.getClass().getName() + ")";
		NeonConnectionString connection = NeonEndpoints.parse(jdbc.getJdbcUrl(), this.source)
			.withCredentials(NeonEndpoints.blankToNull(jdbc.getUsername()), jdbc.getPassword());
		this.pooled = connection.toPooled();
		this.direct = connection.toDirect();
	}

	@Override
	public NeonConnectionString getPooled() {
		return this.pooled;
	}

	@Override
	public NeonConnectionString getDirect() {
		return this.direct;
	}

	@Override
	public boolean isSslConfiguredByProperties() {
		return false;
	}

	@Override
	public String toString() {
		return this.source + " " + this.pooled;
	}

}
