package dev.neonstarter.test;

import java.util.List;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import org.springframework.context.support.GenericApplicationContext;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.test.context.ContextCustomizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * What {@link AutoConfigureEmbeddedNeon} adds to a test context beyond its property mappings: a DataSource of the
 * application's own, for which the starter backs off, fails the context instead of carrying the test.
 * {@code EmbeddedNeonTurnedOffIntegrationTests} (existing-app-tests) covers {@code enabled = false} in a slice.
 */
class EmbeddedNeonContextCustomizerFactoryTests {

	private final EmbeddedNeonContextCustomizerFactory factory = new EmbeddedNeonContextCustomizerFactory();

	@Test
	void anApplicationsOwnDataSourceFailsTheContext() {
		try (GenericApplicationContext context = new GenericApplicationContext()) {
			context.registerBean("reportingDataSource", DataSource.class, SimpleDriverDataSource::new);
			customizer(On.class).customizeContext(context, null);
			assertThatIllegalStateException().isThrownBy(context::refresh)
				.withMessageContaining("@AutoConfigureEmbeddedNeon cannot replace the application's own DataSource"
						+ " bean(s) [reportingDataSource]")
				.withMessageContaining("@AutoConfigureTestDatabase(replace = ANY)");
		}
	}

	@Test
	void theStartersOwnPoolsPass() {
		try (GenericApplicationContext context = new GenericApplicationContext()) {
			context.registerBean("neonPooledDataSource", DataSource.class, SimpleDriverDataSource::new);
			context.registerBean("neonDirectDataSource", DataSource.class, SimpleDriverDataSource::new);
			customizer(On.class).customizeContext(context, null);
			assertThatNoException().isThrownBy(context::refresh);
		}
	}

	@Test
	void withoutTheAnnotationOrTurnedOffOutsideASliceNothingIsAdded() {
		assertThat(this.factory.createContextCustomizer(None.class, List.of())).isNull();
		assertThat(this.factory.createContextCustomizer(Off.class, List.of())).isNull();
		// A subclass that turns an inherited annotation off: the closest one counts.
		assertThat(this.factory.createContextCustomizer(OffInSubclass.class, List.of())).isNull();
	}

	private ContextCustomizer customizer(Class<?> testClass) {
		ContextCustomizer customizer = this.factory.createContextCustomizer(testClass, List.of());
		assertThat(customizer).isNotNull();
		return customizer;
	}

	@AutoConfigureEmbeddedNeon
	static class On {

	}

	@AutoConfigureEmbeddedNeon(enabled = false)
	static class Off {

	}

	@AutoConfigureEmbeddedNeon(enabled = false)
	static class OffInSubclass extends On {

	}

	static class None {

	}

}
