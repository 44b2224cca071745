/**
 * Health indicators for the Neon pools that answer without waking a suspended compute.
 */
@NullMarked
package dev.neonstarter.health;

import org.jspecify.annotations.NullMarked;
