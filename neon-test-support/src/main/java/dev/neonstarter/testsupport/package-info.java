/**
 * The build's test servers: Neon's shape on one machine ({@link dev.neonstarter.testsupport.NeonTestTopology}:
 * TLS PostgreSQL and PgBouncer in transaction mode), a hot standby
 * ({@link dev.neonstarter.testsupport.ReadReplicaServer}), a network fault proxy
 * ({@link dev.neonstarter.testsupport.FaultProxy}) and the conditions that skip or fail tests when a tool is
 * missing ({@link dev.neonstarter.testsupport.RequiresPgBouncer},
 * {@link dev.neonstarter.testsupport.RequiresPgBaseBackup}). Not published.
 */
@NullMarked
package dev.neonstarter.testsupport;

import org.jspecify.annotations.NullMarked;
