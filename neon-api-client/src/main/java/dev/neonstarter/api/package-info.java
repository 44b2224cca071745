/**
 * A small client of the Neon API v2 for branches: {@link dev.neonstarter.api.NeonApiClient}, configured by
 * {@link dev.neonstarter.api.NeonApiSettings}. Plain Java, no Spring: {@code neon-spring-boot-test}'s
 * {@code @NeonBranch} uses it outside any application context, and the starter's auto-configuration makes it a
 * bean from {@code neon.api.*}.
 * <p>
 * <strong>HTTP client and retry.</strong> Requests go through the JDK's {@code java.net.http.HttpClient}: it is
 * always there, does what four JSON calls need, and costs no dependency. Spring's {@code RestClient} would need
 * {@code spring-web}, which an application without a web stack does not have, and would tie this module to
 * Spring. Whether an answer is retried (429 Too Many Requests and 423 Locked, nothing else) and how long to wait
 * (the server's {@code Retry-After}, in seconds or as an HTTP date, else a backoff doubled for each retry) is
 * decided by Resilience4j's {@code Retry}, the retry the starter already uses for the database: the starter
 * brings {@code resilience4j-retry} anyway, so for its users this costs nothing, and used alone this module adds
 * resilience4j-retry and resilience4j-core (about 150 KB, plus {@code slf4j-api}, which Resilience4j needs at run
 * time). The client waits between attempts itself rather than letting Resilience4j sleep, because Resilience4j's
 * synchronous retry sleeps through a single JVM-wide function: the client's own wait is interruptible with a
 * clear {@link dev.neonstarter.api.NeonApiException} and can be replaced in tests.
 */
@NullMarked
package dev.neonstarter.api;

import org.jspecify.annotations.NullMarked;
