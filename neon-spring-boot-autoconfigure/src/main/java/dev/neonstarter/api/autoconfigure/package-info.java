/**
 * Auto-configuration of the Neon API client ({@code neon-api-client}): a {@code NeonApiClient} bean from
 * {@code neon.api.*}.
 */
@NullMarked
package dev.neonstarter.api.autoconfigure;

import org.jspecify.annotations.NullMarked;
