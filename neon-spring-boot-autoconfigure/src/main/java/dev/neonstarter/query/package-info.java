/**
 * What happens to each statement: timing for listeners, Micrometer observation ({@code neon.queries}) and its
 * convention, and the stall watch.
 */
@NullMarked
package dev.neonstarter.query;

import org.jspecify.annotations.NullMarked;
