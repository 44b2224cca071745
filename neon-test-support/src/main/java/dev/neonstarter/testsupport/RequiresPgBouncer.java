package dev.neonstarter.testsupport;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks tests that need a real PgBouncer. Without one they are skipped with a message saying how to install
 * it, unless {@code -Dneon.test.require-pgbouncer=true} (set by CI), where they fail instead.
 */
@Target({ ElementType.TYPE, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ExtendWith(PgBouncerCondition.class)
public @interface RequiresPgBouncer {

}
