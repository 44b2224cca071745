package dev.neonstarter.jdbc.autoconfigure;

import dev.neonstarter.jdbc.autoconfigure.NeonAotSettingsCheck.Processed;
import dev.neonstarter.pool.NeonDataSources;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * What the check of a processed application refuses, case by case. {@code NotesAotIntegrationTests} (sample app)
 * runs the main cases end to end: processed, compiled and started.
 */
class NeonAotSettingsCheckTests {

	private static final Processed URL = new Processed(true, false, true, false, true, false, "'prod'");

	private static final Processed EMBEDDED = new Processed(true, true, false, false, true, false, "'dev' (the default)");

	private static final Processed REPLICA = new Processed(true, false, true, true, true, false, "'prod'");

	private static final Processed CONNECTION_DETAILS_BEAN = new Processed(true, false, false, false, true, false, "'test'");

	private static final Processed DISABLED = new Processed(false, false, false, false, false, false, "'prod'");

	private static final Processed OWN_DATA_SOURCE = new Processed(false, false, false, false, true, false, "'prod'");

	@Test
	void sameDecisionsPass() {
		assertThatNoException().isThrownBy(() -> NeonAotSettingsCheck.check(
				env().withProperty("DATABASE_URL", "postgresql://u:p@h/db"), URL));
		// Processed without a URL in prod (the usual build): a URL at run time is what it expects.
		assertThatNoException().isThrownBy(() -> NeonAotSettingsCheck.check(env(), URL));
		assertThatNoException()
			.isThrownBy(() -> NeonAotSettingsCheck.check(env().withProperty("neon.embedded.enabled", "true"), EMBEDDED));
		assertThatNoException().isThrownBy(() -> NeonAotSettingsCheck
			.check(env().withProperty("neon.read-replica.url", "postgresql://u:p@r/db"), REPLICA));
		assertThatNoException().isThrownBy(() -> NeonAotSettingsCheck.check(env(), OWN_DATA_SOURCE));
		assertThatNoException()
			.isThrownBy(() -> NeonAotSettingsCheck.check(env().withProperty("neon.enabled", "false"), DISABLED));
		// A connection details bean decided: the environment's URL settings do not matter.
		assertThatNoException().isThrownBy(() -> NeonAotSettingsCheck
			.check(env().withProperty("neon.embedded.enabled", "true"), CONNECTION_DETAILS_BEAN));
	}

	@Test
	void embeddedDatabaseWithUrlAtRunTimeIsRefusedNamingThePropertyNotItsValue() {
		assertThatExceptionOfType(NeonAotSettingsMismatchException.class)
			.isThrownBy(() -> NeonAotSettingsCheck.check(env().withProperty("neon.embedded.enabled", "true")
				.withProperty("neon.url", "postgresql://user:s3cret@h/db"), EMBEDDED))
			.withMessageContaining("neon.url is set now")
			.withMessageNotContaining("s3cret");
	}

	@Test
	void replicaAtProcessingButNotAtRunTimeIsRefused() {
		assertThatExceptionOfType(NeonAotSettingsMismatchException.class)
			.isThrownBy(() -> NeonAotSettingsCheck.check(env(), REPLICA))
			.withMessageContaining("neon.read-replica.url is not set now");
	}

	@Test
	void neonEnabledThatDiffersIsRefused() {
		assertThatExceptionOfType(NeonAotSettingsMismatchException.class)
			.isThrownBy(() -> NeonAotSettingsCheck.check(env().withProperty("neon.enabled", "false"), URL))
			.withMessageContaining("neon.enabled is false now");
		assertThatExceptionOfType(NeonAotSettingsMismatchException.class)
			.isThrownBy(() -> NeonAotSettingsCheck.check(env(), DISABLED))
			.withMessageContaining("neon.enabled is true now");
	}

	@Test
	void severalDifferencesAreAllNamed() {
		assertThatExceptionOfType(NeonAotSettingsMismatchException.class)
			.isThrownBy(() -> NeonAotSettingsCheck.check(env().withProperty("DATABASE_URL", "postgresql://u:p@h/db")
				.withProperty("neon.read-replica.url", "postgresql://u:p@r/db"), EMBEDDED))
			.withMessageContaining("DATABASE_URL is set now")
			.withMessageContaining("neon.read-replica.url is set now");
	}

	@Test
	void processingReadsTheDecisionsFromTheBeanDefinitions() {
		DefaultListableBeanFactory beanFactory = new DefaultListableBeanFactory();
		beanFactory.registerSingleton("environment", env().withProperty("neon.enabled", "true"));
		beanFactory.registerBeanDefinition(NeonDataSources.DIRECT_BEAN_NAME,
				new RootBeanDefinition(Object.class));
		beanFactory.registerBeanDefinition(NeonAotSettingsCheck.PROPERTIES_CONNECTION_DETAILS,
				new RootBeanDefinition(Object.class));
		assertThat(NeonAotSettingsCheck.processed(beanFactory))
			.isEqualTo(new Processed(true, false, true, false, true, false, "'default' (the default)"));
		// Spring Boot's JDBC connection details decide the connection, not neon.url / DATABASE_URL.
		beanFactory.registerBeanDefinition("jdbcConnectionDetails", new RootBeanDefinition(JdbcConnectionDetails.class));
		assertThat(NeonAotSettingsCheck.processed(beanFactory).connectionFromProperties()).isFalse();
		beanFactory.registerBeanDefinition(NeonAotSettingsCheck.EMBEDDED_CONFIGURATION,
				new RootBeanDefinition(Object.class));
		beanFactory.registerBeanDefinition(NeonDataSources.REPLICA_BEAN_NAME,
				new RootBeanDefinition(Object.class));
		Processed processed = NeonAotSettingsCheck.processed(beanFactory);
		assertThat(processed.embedded()).isTrue();
		assertThat(processed.replica()).isTrue();
	}

	@Test
	void backedOffForWantOfAUrlThenAUrlAtRunTimeIsRefused() {
		Processed fellBack = new Processed(false, false, false, false, true, true, "'dev' (the default)");
		assertThatNoException().isThrownBy(() -> NeonAotSettingsCheck.check(env(), fellBack));
		assertThatExceptionOfType(NeonAotSettingsMismatchException.class)
			.isThrownBy(() -> NeonAotSettingsCheck.check(env().withProperty("DATABASE_URL", "postgresql://u:s3cret@h/db"),
					fellBack))
			.withMessageContaining("the Neon starter backed off then")
			.withMessageContaining("DATABASE_URL is set now")
			.withMessageNotContaining("s3cret");
		assertThatExceptionOfType(NeonAotSettingsMismatchException.class)
			.isThrownBy(() -> NeonAotSettingsCheck.check(env().withProperty("spring.datasource.url",
					"jdbc:postgresql://ep-x-1-pooler.us-east-2.aws.neon.tech/db"), fellBack))
			.withMessageContaining("spring.datasource.url (a Neon host) is set now");
		// The application's own DataSource: a URL at run time changes nothing.
		assertThatNoException().isThrownBy(() -> NeonAotSettingsCheck
			.check(env().withProperty("DATABASE_URL", "postgresql://u:p@h/db"), OWN_DATA_SOURCE));
	}

	@Test
	void processingRecordsABackOffForWantOfAUrl() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(NeonDataSourceAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=jdbc:postgresql://localhost:1/local")
			.run((context) -> assertThat(NeonAotSettingsCheck.processed(context.getBeanFactory()).backedOffWithoutNeonUrl())
				.isTrue());
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(NeonDataSourceAutoConfiguration.class))
			.withBean(javax.sql.DataSource.class, org.springframework.jdbc.datasource.SimpleDriverDataSource::new)
			.run((context) -> assertThat(NeonAotSettingsCheck.processed(context.getBeanFactory()).backedOffWithoutNeonUrl())
				.isFalse());
	}

	private static MockEnvironment env() {
		return new MockEnvironment();
	}

}
