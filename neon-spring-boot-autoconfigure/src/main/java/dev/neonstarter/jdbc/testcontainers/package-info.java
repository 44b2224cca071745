/**
 * Testcontainers {@code @ServiceConnection} support for the Neon DataSources.
 */
@NullMarked
package dev.neonstarter.jdbc.testcontainers;

import org.jspecify.annotations.NullMarked;
