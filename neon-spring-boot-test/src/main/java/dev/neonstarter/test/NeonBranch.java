package dev.neonstarter.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the annotated test class against a throwaway Neon branch: a copy-on-write branch with its own read-write
 * compute is created through the Neon API before the class's first test and deleted after its last, whether the
 * tests pass or fail.
 * <p>
 * In a Spring test the branch's connection URIs are the context's {@code neon.url} and {@code neon.direct-url},
 * above every other property source, so both DataSources and Flyway use it; any test may also take a
 * {@link dev.neonstarter.api.NeonBranchConnection} parameter. The
 * Neon API is configured by the {@code NEON_API_KEY} and {@code NEON_PROJECT_ID} environment variables (or
 * {@code neon.api.*} system properties or JUnit configuration parameters); without a key the class is skipped
 * with a message saying so.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(NeonBranchExtension.class)
public @interface NeonBranch {

	/**
	 * The branch to copy, by name ({@code main}) or id ({@code br-…}). Empty: the project's default branch.
	 */
	String parent() default "";

	/**
	 * Keep the branch after the tests, for debugging; its name is logged and published as the JUnit report entry
	 * {@code neon.branch}. The environment variable {@code NEON_KEEP_BRANCH=true} keeps every branch.
	 */
	boolean keep() default false;

	/**
	 * Start of the branch name, which continues with a UTC timestamp and a random suffix
	 * ({@code ci-test-20261123-195543-k3x9qa}), so branches a killed run left behind can be found and deleted
	 * by prefix ({@link NeonBranches#deleteStale}).
	 */
	String namePrefix() default NeonBranches.DEFAULT_PREFIX;

	/**
	 * The database to connect to. Empty: the branch's only database.
	 */
	String database() default "";

	/**
	 * The role to connect as. Empty: the owner of the database.
	 */
	String role() default "";

}
