/**
 * The HikariCP pools: {@link dev.neonstarter.pool.NeonHikariDataSource} with its endpoint, activity, endpoint
 * monitor and guard; pool creation with Neon's defaults and limits; {@link dev.neonstarter.pool.NeonDataSources},
 * the pools of an application.
 */
@NullMarked
package dev.neonstarter.pool;

import org.jspecify.annotations.NullMarked;
