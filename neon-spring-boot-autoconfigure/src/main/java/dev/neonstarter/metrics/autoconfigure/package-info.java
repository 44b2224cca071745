/**
 * Auto-configuration of the Neon meters.
 */
@NullMarked
package dev.neonstarter.metrics.autoconfigure;

import org.jspecify.annotations.NullMarked;
