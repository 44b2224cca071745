/**
 * TLS for Neon endpoints: the policy that decides pgjdbc's TLS parameters and the startup proof that a pool is on
 * verified TLS.
 */
@NullMarked
package dev.neonstarter.ssl;

import org.jspecify.annotations.NullMarked;
