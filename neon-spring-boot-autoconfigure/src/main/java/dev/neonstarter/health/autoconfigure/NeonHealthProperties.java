package dev.neonstarter.health.autoconfigure;

import java.time.Duration;

import dev.neonstarter.health.NeonPoolHealthIndicator;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the {@code neon} health contributor and its place in the readiness group.
 */
@ConfigurationProperties("neon.health")
public class NeonHealthProperties {

	/**
	 * How health is determined. 'passive' answers from the pools' recent use and runs a check query only
	 * while the last outcome was a failure (so probes never keep an idle compute awake); 'active' runs a
	 * check query whenever the last one is older than cache-ttl.
	 */
	private NeonPoolHealthIndicator.ProbeMode probeMode = NeonPoolHealthIndicator.ProbeMode.PASSIVE;

	/**
	 * With probe-mode=active, how long a check result is reused. Keep it above Neon's suspend timeout (5
	 * minutes by default) or the compute never suspends.
	 */
	private Duration cacheTtl = Duration.ofMinutes(10);

	/**
	 * With probe-mode=passive, how often a failing pool is checked again, so readiness recovers without
	 * traffic.
	 */
	private Duration recheckInterval = Duration.ofSeconds(10);

	/**
	 * Longest a health check may take (connection plus query) before the pool is reported DOWN. Spring
	 * Boot's own db indicator has no such limit.
	 */
	private Duration timeout = Duration.ofSeconds(3);

	/**
	 * Pool utilization (active / maximum connections) above which the health details carry a warning.
	 */
	private double utilizationWarningThreshold = 0.8;

	/**
	 * Whether the readiness health group includes 'neon'. Liveness never does: a database outage must not
	 * restart the application.
	 */
	private boolean readiness = true;

	public NeonPoolHealthIndicator.ProbeMode getProbeMode() {
		return this.probeMode;
	}

	public void setProbeMode(NeonPoolHealthIndicator.ProbeMode probeMode) {
		this.probeMode = probeMode;
	}

	public Duration getCacheTtl() {
		return this.cacheTtl;
	}

	public void setCacheTtl(Duration cacheTtl) {
		this.cacheTtl = cacheTtl;
	}

	public Duration getRecheckInterval() {
		return this.recheckInterval;
	}

	public void setRecheckInterval(Duration recheckInterval) {
		this.recheckInterval = recheckInterval;
	}

	public Duration getTimeout() {
		return this.timeout;
	}

	public void setTimeout(Duration timeout) {
		this.timeout = timeout;
	}

	public double getUtilizationWarningThreshold() {
		return this.utilizationWarningThreshold;
	}

	public void setUtilizationWarningThreshold(double utilizationWarningThreshold) {
		this.utilizationWarningThreshold = utilizationWarningThreshold;
	}

	public boolean isReadiness() {
		return this.readiness;
	}

	public void setReadiness(boolean readiness) {
		this.readiness = readiness;
	}

	/** These settings as the pool health indicator takes them. */
	public NeonPoolHealthIndicator.Settings toSettings() {
		return new NeonPoolHealthIndicator.Settings(this.probeMode, this.cacheTtl, this.recheckInterval, this.timeout,
				this.utilizationWarningThreshold);
	}

}
