/**
 * Neon connection strings and what can go wrong with a connection: {@link
 * dev.neonstarter.connection.NeonConnectionString}, the one failure classifier {@link
 * dev.neonstarter.connection.NeonConnectionFailures}, and the exceptions a pool or the startup checks throw.
 */
@NullMarked
package dev.neonstarter.connection;

import org.jspecify.annotations.NullMarked;
