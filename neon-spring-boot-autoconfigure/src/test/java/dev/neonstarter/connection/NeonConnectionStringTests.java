package dev.neonstarter.connection;

import java.sql.SQLException;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class NeonConnectionStringTests {

	private static final String CONSOLE_POOLED = "postgresql://neondb_owner:npg_S3cret@ep-cool-darkness-123456-pooler"
			+ ".us-east-2.aws.neon.tech/neondb?sslmode=require&channel_binding=require";

	@Test
	void parsesConsolePooledString() {
		NeonConnectionString cs = NeonConnectionString.parse(CONSOLE_POOLED);
		assertThat(cs.host()).isEqualTo("ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech");
		assertThat(cs.port()).isEqualTo(5432);
		assertThat(cs.database()).isEqualTo("neondb");
		assertThat(cs.username()).isEqualTo("neondb_owner");
		assertThat(cs.password()).isEqualTo("npg_S3cret");
		assertThat(cs.parameters()).containsExactly(Map.entry("sslmode", "require"),
				Map.entry("channelBinding", "require"));
		assertThat(cs.isNeonHost()).isTrue();
		assertThat(cs.isPooledEndpoint()).isTrue();
		assertThat(cs.endpointId()).isEqualTo("ep-cool-darkness-123456");
	}

	@Test
	void derivesDirectFromPooledAndBack() {
		NeonConnectionString pooled = NeonConnectionString.parse(CONSOLE_POOLED);
		NeonConnectionString direct = pooled.toDirect();
		assertThat(direct.host()).isEqualTo("ep-cool-darkness-123456.us-east-2.aws.neon.tech");
		assertThat(direct.isPooledEndpoint()).isFalse();
		assertThat(direct.username()).isEqualTo("neondb_owner");
		assertThat(direct.password()).isEqualTo("npg_S3cret");
		assertThat(direct.parameters()).isEqualTo(pooled.parameters());
		assertThat(direct.toPooled()).isEqualTo(pooled);
		assertThat(direct.toDirect()).isSameAs(direct);
		assertThat(pooled.toPooled()).isSameAs(pooled);
	}

	@Test
	void handlesHostsWithAnExtraLabel() {
		NeonConnectionString pooled = NeonConnectionString
			.parse("postgresql://u:p@ep-x-99-pooler.c-2.us-east-1.aws.neon.tech/db?sslmode=require");
		assertThat(pooled.toDirect().host()).isEqualTo("ep-x-99.c-2.us-east-1.aws.neon.tech");
		NeonConnectionString direct = NeonConnectionString.parse("postgresql://u:p@ep-x-99.c-2.us-east-1.aws.neon.tech/db");
		assertThat(direct.toPooled().host()).isEqualTo("ep-x-99-pooler.c-2.us-east-1.aws.neon.tech");
	}

	@Test
	void onlyTheFirstLabelIsEdited() {
		// "-pooler" elsewhere in the name is not the pooler marker.
		NeonConnectionString cs = NeonConnectionString.parse("postgresql://u@ep-a.x-pooler.aws.neon.tech/db");
		assertThat(cs.isPooledEndpoint()).isFalse();
		assertThat(cs.toPooled().host()).isEqualTo("ep-a-pooler.x-pooler.aws.neon.tech");
	}

	@ParameterizedTest
	@ValueSource(strings = { "postgresql://u:p@localhost:5433/app", "postgresql://u:p@db.example.com/app",
			"postgresql://u:p@my-pooler.example.com/app" })
	void nonNeonHostsAreNeverRewritten(String url) {
		NeonConnectionString cs = NeonConnectionString.parse(url);
		assertThat(cs.isNeonHost()).isFalse();
		assertThat(cs.isPooledEndpoint()).isFalse();
		assertThat(cs.endpointId()).isNull();
		assertThat(cs.toDirect()).isSameAs(cs);
		assertThat(cs.toPooled()).isSameAs(cs);
	}

	@Test
	void acceptsPostgresScheme() {
		NeonConnectionString cs = NeonConnectionString.parse("postgres://alice:pw@ep-a-1.eu-central-1.aws.neon.tech/app");
		assertThat(cs.username()).isEqualTo("alice");
		assertThat(cs.database()).isEqualTo("app");
	}

	@Test
	void parsesPort() {
		assertThat(NeonConnectionString.parse("postgresql://u@localhost:6543/db").port()).isEqualTo(6543);
		assertThat(NeonConnectionString.parse("postgresql://u@localhost/db").port()).isEqualTo(5432);
	}

	@Test
	void parsesIpv6Hosts() {
		NeonConnectionString cs = NeonConnectionString.parse("postgresql://u:p@[::1]:6432/db");
		assertThat(cs.host()).isEqualTo("::1");
		assertThat(cs.port()).isEqualTo(6432);
		assertThat(cs.toJdbcUrl()).isEqualTo("jdbc:postgresql://[::1]:6432/db");
		assertThat(NeonConnectionString.parse("postgresql://[2001:db8::5]/db").port()).isEqualTo(5432);
	}

	@Test
	void anIpv6AddressIsBracketedInMessages() {
		NeonConnectionString cs = NeonConnectionString.parse("postgresql://u:p@[::1]:6432/db");
		assertThat(cs.address()).isEqualTo("[::1]:6432");
		assertThat(cs).hasToString("postgresql://u:****@[::1]:6432/db");
		assertThat(NeonConnectionString.parse("postgresql://u@db.example.com/db").address())
			.isEqualTo("db.example.com:5432");
		Exception refused = new NeonAuthenticationException("neon-direct", cs, "u", new SQLException("no", "28P01"));
		assertThat(refused.getMessage()).startsWith("neon-direct could not log in to [::1]:6432 as user 'u'");
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = { "p%40ss|p@ss", "p%3Ass|p:ss", "p%2Fss|p/ss", "p%3Fss|p?ss", "p%23ss|p#ss",
			"p%25ss|p%ss", "a+b|a+b", "%C3%A9t%C3%A9|été", "%40%3A%2F%3F%23%25|@:/?#%" })
	void decodesPercentEncodedPasswords(String encoded, String decoded) {
		NeonConnectionString cs = NeonConnectionString.parse("postgresql://u:" + encoded + "@host.example/db");
		assertThat(cs.password()).isEqualTo(decoded);
		assertThat(cs.host()).isEqualTo("host.example");
	}

	@Test
	void rawAtSignInPasswordStillParses() {
		NeonConnectionString cs = NeonConnectionString.parse("postgresql://u:p@ss@host.example/db");
		assertThat(cs.password()).isEqualTo("p@ss");
		assertThat(cs.host()).isEqualTo("host.example");
	}

	@Test
	void decodesUserName() {
		assertThat(NeonConnectionString.parse("postgresql://us%40er:p@h/db").username()).isEqualTo("us@er");
	}

	@Test
	void missingDatabaseIsNull() {
		assertThat(NeonConnectionString.parse("postgresql://u:p@host.example").database()).isNull();
		assertThat(NeonConnectionString.parse("postgresql://u:p@host.example/").database()).isNull();
		assertThat(NeonConnectionString.parse("postgresql://u:p@host.example/?sslmode=require").database()).isNull();
		assertThat(NeonConnectionString.parse("postgresql://u:p@host.example").toJdbcUrl())
			.isEqualTo("jdbc:postgresql://host.example:5432/");
	}

	@Test
	void emptyPasswordIsEmptyAndNoPasswordIsNull() {
		assertThat(NeonConnectionString.parse("postgresql://u:@h/db").password()).isEmpty();
		assertThat(NeonConnectionString.parse("postgresql://u@h/db").password()).isNull();
		assertThat(NeonConnectionString.parse("postgresql://h/db").username()).isNull();
	}

	@Test
	void mapsLibpqParametersToPgjdbcNames() {
		NeonConnectionString cs = NeonConnectionString.parse("postgresql://u@h/db?sslmode=verify-full"
				+ "&sslrootcert=/etc/ssl/root.crt&channel_binding=prefer&sslnegotiation=direct&connect_timeout=20"
				+ "&application_name=my%20app&options=-c%20statement_timeout%3D5s");
		assertThat(cs.parameters()).containsExactly(Map.entry("sslmode", "verify-full"),
				Map.entry("sslrootcert", "/etc/ssl/root.crt"), Map.entry("channelBinding", "prefer"),
				Map.entry("sslNegotiation", "direct"), Map.entry("connectTimeout", "20"),
				Map.entry("ApplicationName", "my app"), Map.entry("options", "-c statement_timeout=5s"));
	}

	@Test
	void pgjdbcPropertiesPassThroughInUris() {
		NeonConnectionString cs = NeonConnectionString.parse("postgresql://u@h/db?prepareThreshold=0&socketTimeout=30");
		assertThat(cs.parameters()).containsEntry("prepareThreshold", "0").containsEntry("socketTimeout", "30");
	}

	@Test
	void userPasswordAndDbnameParametersFillTheFields() {
		NeonConnectionString cs = NeonConnectionString.parse("postgresql://h?user=bob&password=s%26cret&dbname=app");
		assertThat(cs.username()).isEqualTo("bob");
		assertThat(cs.password()).isEqualTo("s&cret");
		assertThat(cs.database()).isEqualTo("app");
		assertThat(cs.parameters()).isEmpty();
	}

	@Test
	void parsesJdbcUrlsWithProperties() {
		NeonConnectionString cs = NeonConnectionString.parse(
				"jdbc:postgresql://ep-a-1-pooler.us-east-2.aws.neon.tech:5432/neondb?user=app&password=pw&sslmode=require"
						+ "&channelBinding=require&prepareThreshold=0");
		assertThat(cs.isPooledEndpoint()).isTrue();
		assertThat(cs.username()).isEqualTo("app");
		assertThat(cs.password()).isEqualTo("pw");
		assertThat(cs.parameters()).containsExactly(Map.entry("sslmode", "require"),
				Map.entry("channelBinding", "require"), Map.entry("prepareThreshold", "0"));
		assertThat(cs.toJdbcUrl()).isEqualTo("jdbc:postgresql://ep-a-1-pooler.us-east-2.aws.neon.tech:5432/neondb");
	}

	@Test
	void jdbcUrlAndDriverPropertiesCarryNoCredentials() {
		NeonConnectionString cs = NeonConnectionString.parse(CONSOLE_POOLED);
		assertThat(cs.toJdbcUrl()).isEqualTo("jdbc:postgresql://ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech:5432/neondb");
		assertThat(cs.toDriverProperties()).doesNotContainKeys("user", "password");
		assertThat(cs.toDriverProperties().values()).doesNotContain("npg_S3cret");
	}

	@Test
	void databaseNamesAreEncodedInTheJdbcUrl() {
		NeonConnectionString cs = NeonConnectionString.parse("postgresql://u@h/my%20db%2Bx");
		assertThat(cs.database()).isEqualTo("my db+x");
		assertThat(cs.toJdbcUrl()).isEqualTo("jdbc:postgresql://h:5432/my%20db%2Bx");
	}

	@Test
	void toStringMasksThePassword() {
		NeonConnectionString cs = NeonConnectionString.parse(CONSOLE_POOLED + "&sslpassword=keypass");
		assertThat(cs.toString()).doesNotContain("npg_S3cret").doesNotContain("keypass")
			.contains("neondb_owner:****@ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech:5432/neondb")
			.contains("sslpassword=****");
	}

	@Test
	void credentialsCanBeReplaced() {
		NeonConnectionString cs = NeonConnectionString.parse(CONSOLE_POOLED).withCredentials("migrator", null);
		assertThat(cs.username()).isEqualTo("migrator");
		assertThat(cs.password()).isEqualTo("npg_S3cret");
		assertThat(cs.withCredentials(null, "other").password()).isEqualTo("other");
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = {
			"postgresql://u:s3cretpw@/db|no host is given",
			"postgresql://u:s3cretpw@:5432/db|no host is given",
			"postgresql://u:s3cretpw@host:99999/db|the port is not a number between 1 and 65535",
			"postgresql://u:20240101/s3cret@host.example/db|the port is not a number between 1 and 65535",
			"postgresql://u:5432/s3cret@host.example|the database name contains '@'",
			"postgresql://u:pw@host/db?password=ab&s3cret|an unknown parameter follows the password",
			"postgresql://u:s3cretpw@host:abc/db|the port is not a number between 1 and 65535 (if the password",
			"postgresql://u:s3cretpw@host:/db|the port is empty",
			"mysql://u:s3cretpw@host/db|unsupported scheme 'mysql'",
			"jdbc:mysql://host/db?password=s3cretpw|unsupported scheme 'jdbc:mysql'",
			"http://u:s3cretpw@host/db|unsupported scheme 'http'",
			"s3cretpw|unsupported scheme '(none)'",
			"postgresql://u:s3cretpw@host/db?sslmode=maybe|parameter 'sslmode' must be one of",
			"postgresql://u:s3cretpw@host/db?channel_binding=yes|parameter 'channel_binding' must be one of",
			"postgresql://u:s3cretpw@host/db?connect_timeout=soon|parameter 'connect_timeout' must be a whole number",
			"postgresql://u:s3cretpw@host/db?keepalives_idle=30|unknown parameter 'keepalives_idle'",
			"jdbc:postgresql://host/db?password=s3cretpw&bogus=1|an unknown parameter follows the password",
			"jdbc:postgresql://host/db?bogus=1&password=s3cretpw|unknown parameter 'bogus'",
			"postgresql://u:s3cretpw@h1,h2/db|lists several hosts",
			"postgresql://u:s3cret%zzpw@host/db|the password contains a '%' that is not followed by two hex digits",
			"postgresql://u:s3cretpw@host/db#frag|it contains '#'",
			"postgresql://u:s3cretpw@[::1/db|missing its closing ']'",
			"postgresql://u:s3cretpw@::1/db|must be written in brackets",
			"jdbc:postgresql://u:s3cretpw@host/db|cannot carry user:password@" })
	void rejectsMalformedInputWithoutLeakingThePassword(String input, String expectedReason) {
		assertThatExceptionOfType(InvalidNeonConnectionStringException.class)
			.isThrownBy(() -> NeonConnectionString.parse(input))
			.withMessageContaining(expectedReason)
			.satisfies((ex) -> assertThat(ex.getMessage()).doesNotContain("s3cret"));
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = {
			"postgresql://u:s3cretpw@host/db?keepalives=1|keepalives|pgjdbc's equivalent is tcpKeepAlive=true",
			"jdbc:postgresql://host/db?preparethreshold=0|preparethreshold|pgjdbc spells it 'prepareThreshold'",
			"postgresql://u:s3cretpw@host/db?socket_timeout=5|socket_timeout|pgjdbc spells it 'socketTimeout'",
			"postgresql://u:s3cretpw@host/db?pool_size=5|pool_size|",
			"postgresql://u@host/db?passfile=/etc/app/pgpass|passfile|pgjdbc reads ~/.pgpass when no password is"
					+ " given; name another file with the PGPASSFILE environment variable or the"
					+ " org.postgresql.pgpassfile system property" })
	void unknownParametersAreNamedWithWhatToUseInstead(String input, String parameter, String suggestion) {
		assertThatExceptionOfType(UnknownConnectionParameterException.class)
			.isThrownBy(() -> NeonConnectionString.parse(input).toString())
			.satisfies((ex) -> {
				assertThat(ex.getParameter()).isEqualTo(parameter);
				assertThat(ex.getSuggestion()).isEqualTo(suggestion);
				assertThat(ex.withSource("neon.url")).isInstanceOf(UnknownConnectionParameterException.class)
					.hasMessageStartingWith("Invalid connection string in neon.url: unknown parameter '" + parameter)
					.satisfies((attributed) -> assertThat(((UnknownConnectionParameterException) attributed)
						.getParameter()).isEqualTo(parameter));
				assertThat(ex.getMessage()).doesNotContain("s3cret");
			});
	}

	@Test
	void anUnencodedQuestionMarkOrAtSignInThePasswordParsesAsInLibpq() {
		// libpq ends the user info at the '@' before the first '/', not at a '?'.
		NeonConnectionString questionMark = NeonConnectionString.parse("postgresql://u:2024?s3cret@host.example/db");
		assertThat(questionMark.host()).isEqualTo("host.example");
		assertThat(questionMark.username()).isEqualTo("u");
		assertThat(questionMark.password()).isEqualTo("2024?s3cret");
		assertThat(questionMark.toString()).doesNotContain("s3cret");
		NeonConnectionString both = NeonConnectionString.parse("postgresql://u:a@b?c@host.example?sslmode=require");
		assertThat(both.password()).isEqualTo("a@b?c");
		assertThat(both.parameter("sslmode")).isEqualTo("require");
		// An '@' in the query's first value is not the end of a user info.
		NeonConnectionString inQuery = NeonConnectionString.parse("postgresql://host.example?user=me@example.com");
		assertThat(inQuery.host()).isEqualTo("host.example");
		assertThat(inQuery.username()).isEqualTo("me@example.com");
		NeonConnectionString withUserInfo = NeonConnectionString
			.parse("postgresql://u:pw@host.example?application_name=a@b");
		assertThat(withUserInfo.host()).isEqualTo("host.example");
		assertThat(withUserInfo.password()).isEqualTo("pw");
		assertThat(withUserInfo.parameter("ApplicationName")).isEqualTo("a@b");
	}

	@Test
	void aPlusIsASpaceInJdbcUrlsAsPgjdbcDecodesThemButNotInLibpqUris() {
		NeonConnectionString jdbc = NeonConnectionString
			.parse("jdbc:postgresql://host.example/my+db?user=u&password=a+b%2Bc&ApplicationName=x+y");
		assertThat(jdbc.database()).isEqualTo("my db");
		assertThat(jdbc.password()).isEqualTo("a b+c");
		assertThat(jdbc.parameter("ApplicationName")).isEqualTo("x y");
		NeonConnectionString libpq = NeonConnectionString
			.parse("postgresql://u:a+b@host.example/my+db?application_name=x+y");
		assertThat(libpq.database()).isEqualTo("my+db");
		assertThat(libpq.password()).isEqualTo("a+b");
		assertThat(libpq.parameter("ApplicationName")).isEqualTo("x+y");
	}

	@Test
	void unencodedSlashInPasswordIsRejectedWithoutLeakingIt() {
		// The raw '/' ends the authority early, leaving "Zq9x" where the port should be: never echo it.
		assertThatExceptionOfType(InvalidNeonConnectionStringException.class)
			.isThrownBy(() -> NeonConnectionString.parse("postgresql://u:Zq9x/Wk7@host.example/db"))
			.satisfies((ex) -> assertThat(ex.getMessage()).doesNotContain("Zq9x").doesNotContain("Wk7"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "\"postgresql://u:s3cretpw@ep-x-1.us-east-2.aws.neon.tech/neondb\"",
			"'postgresql://u:s3cretpw@ep-x-1.us-east-2.aws.neon.tech/neondb'\n",
			"\"jdbc:postgresql://ep-x-1.us-east-2.aws.neon.tech/neondb?password=s3cretpw" })
	void aQuotedStringIsRejectedSayingToRemoveTheQuotes(String input) {
		// A .properties or .env file read by Spring Boot, Docker's --env-file and a Secret keep the quotes.
		assertThatExceptionOfType(InvalidNeonConnectionStringException.class)
			.isThrownBy(() -> NeonConnectionString.parse(input))
			.withMessage("Invalid connection string: it is enclosed in quotes, which are kept as part of the value where"
					+ " it was set (a .properties or .env file, Docker's --env-file, a Kubernetes Secret); remove them")
			.satisfies((ex) -> assertThat(ex.getMessage()).doesNotContain("s3cret"));
	}

	@Test
	void emptyInputIsRejected() {
		assertThatExceptionOfType(InvalidNeonConnectionStringException.class)
			.isThrownBy(() -> NeonConnectionString.parse("  "))
			.withMessageContaining("it is empty");
	}

	@Test
	void sourceIsNamedInTheMessage() {
		InvalidNeonConnectionStringException ex = new InvalidNeonConnectionStringException("no host is given")
			.withSource("DATABASE_URL");
		assertThat(ex.getMessage()).isEqualTo("Invalid connection string in DATABASE_URL: no host is given");
	}

}
