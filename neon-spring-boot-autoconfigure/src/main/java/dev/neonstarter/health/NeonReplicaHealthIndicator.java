package dev.neonstarter.health;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.neonstarter.replica.NeonReplicaFallbacks;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * Health of the read replica: its pool's health, plus what the fallback to the primary did. While the replica
 * is failing and read-only work falls back, the status is {@link #DEGRADED} rather than DOWN: Spring Boot's
 * status aggregation ignores statuses outside its order, so {@code neon}, the overall health and readiness stay
 * UP (the application still serves reads, from the primary) while this component says what is wrong. Without
 * fallback a failing replica is DOWN, because read-only work fails.
 */
public final class NeonReplicaHealthIndicator implements HealthIndicator {

	/** The replica is unavailable and read-only work runs on the primary. */
	static final Status DEGRADED = new Status("DEGRADED",
			"read replica unavailable; read-only transactions fall back to the primary");

	private final HealthIndicator pool;

	private final NeonReplicaFallbacks fallbacks;

	public NeonReplicaHealthIndicator(HealthIndicator pool, NeonReplicaFallbacks fallbacks) {
		this.pool = pool;
		this.fallbacks = fallbacks;
	}

	@Override
	public Health health() {
		Health poolHealth = this.pool.health();
		boolean down = Status.DOWN.equals(poolHealth.getStatus());
		Map<String, Object> fallback = new LinkedHashMap<>();
		fallback.put("enabled", this.fallbacks.enabled());
		fallback.put("active", down && this.fallbacks.enabled());
		fallback.put("count", this.fallbacks.count());
		if (this.fallbacks.last() != null) {
			fallback.put("last", this.fallbacks.last().toString());
			fallback.put("lastReason", this.fallbacks.lastReason());
		}
		return Health.status((down && this.fallbacks.enabled()) ? DEGRADED : poolHealth.getStatus())
			.withDetails(poolHealth.getDetails())
			.withDetail("fallback", fallback)
			.build();
	}

}
