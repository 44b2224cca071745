/**
 * Resilience4j for Neon: {@link dev.neonstarter.resilience.NeonOperations}, {@link
 * dev.neonstarter.resilience.NeonTransientErrors} and the circuit breaker that guards a pool.
 */
@NullMarked
package dev.neonstarter.resilience;

import org.jspecify.annotations.NullMarked;
