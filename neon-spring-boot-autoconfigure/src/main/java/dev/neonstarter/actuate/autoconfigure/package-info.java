/**
 * Auto-configuration of Actuator support: masking Neon connection strings and passwords.
 */
@NullMarked
package dev.neonstarter.actuate.autoconfigure;

import org.jspecify.annotations.NullMarked;
