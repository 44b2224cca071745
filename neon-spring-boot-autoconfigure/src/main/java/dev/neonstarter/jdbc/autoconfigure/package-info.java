/**
 * Auto-configuration of the Neon DataSources: connection details, the endpoint pipeline, the pools, Flyway and SQL
 * initialization on the direct endpoint, the startup checks and their failure analyzers.
 */
@NullMarked
package dev.neonstarter.jdbc.autoconfigure;

import org.jspecify.annotations.NullMarked;
