/**
 * Read replica routing: falling back to the primary while the replica cannot serve.
 */
@NullMarked
package dev.neonstarter.replica;

import org.jspecify.annotations.NullMarked;
