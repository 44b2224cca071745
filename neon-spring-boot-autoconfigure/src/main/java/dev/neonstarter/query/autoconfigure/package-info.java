/**
 * Auto-configuration of the observation of statements.
 */
@NullMarked
package dev.neonstarter.query.autoconfigure;

import org.jspecify.annotations.NullMarked;
