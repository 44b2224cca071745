/**
 * Auto-configuration of the {@code neon} health contributor and its place in the readiness group.
 */
@NullMarked
package dev.neonstarter.health.autoconfigure;

import org.jspecify.annotations.NullMarked;
