package dev.neonstarter.sample;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks tests that need Prometheus's {@code prometheus} and {@code promtool}. Without them they are skipped
 * with a message saying how to install them, unless {@code -Dneon.test.require-pgbouncer=true} (set by CI,
 * which installs both with pgbouncer), where they fail instead.
 */
@Target({ ElementType.TYPE, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ExtendWith(PrometheusCondition.class)
@interface RequiresPrometheus {

}
