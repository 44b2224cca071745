/**
 * Test support for applications on Neon: {@code @NeonBranch} (a Neon branch per test class) and
 * {@code @AutoConfigureEmbeddedNeon}.
 */
@NullMarked
package dev.neonstarter.test;

import org.jspecify.annotations.NullMarked;
