/**
 * Auto-configuration of the Neon circuit breaker, retry and {@code NeonOperations}.
 */
@NullMarked
package dev.neonstarter.resilience.autoconfigure;

import org.jspecify.annotations.NullMarked;
