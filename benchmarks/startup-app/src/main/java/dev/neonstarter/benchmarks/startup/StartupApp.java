package dev.neonstarter.benchmarks.startup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.metrics.buffering.BufferingApplicationStartup;
import org.springframework.boot.context.metrics.buffering.StartupTimeline.TimelineEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.metrics.StartupStep;

/**
 * The smallest application that has a DataSource and migrates with Flyway. The harness starts it in fresh
 * JVMs, on Spring Boot's own auto-configuration alone and with the Neon starter on the classpath, and reads
 * the line it prints when ready; then it exits.
 */
@SpringBootApplication
public class StartupApp {

	/**
	 * Start of the line the harness reads: {@code <prefix> <JVM uptime ms> <SpringApplication.run ms>
	 * <process CPU ms> <classes loaded> <beans>}.
	 */
	public static final String READY = "NEON-STARTUP-READY";

	/**
	 * System property naming a file to write Spring's startup timeline to, one step per line: {@code id, parent
	 * id, name, the bean or configuration it concerns, duration in µs}, tab-separated. Unset: no timeline is kept
	 * (keeping one costs time itself).
	 */
	public static final String TIMELINE = "neon.benchmarks.timeline";

	public static void main(String[] args) {
		SpringApplication application = new SpringApplication(StartupApp.class);
		application.addListeners(new ReadyReporter());
		String timeline = System.getProperty(TIMELINE);
		BufferingApplicationStartup startup = (timeline != null) ? new BufferingApplicationStartup(100_000) : null;
		if (startup != null) {
			application.setApplicationStartup(startup);
		}
		ConfigurableApplicationContext context = application.run(args);
		if (startup != null) {
			writeTimeline(startup, Path.of(timeline));
		}
		System.exit(SpringApplication.exit(context));
	}

	private static void writeTimeline(BufferingApplicationStartup startup, Path file) {
		List<String> lines = new ArrayList<>();
		for (TimelineEvent event : startup.getBufferedTimeline().getEvents()) {
			StartupStep step = event.getStartupStep();
			StringBuilder subject = new StringBuilder();
			for (StartupStep.Tag tag : step.getTags()) {
				if (tag.getKey().equals("beanName") || tag.getKey().equals("postProcessor")) {
					subject.append(tag.getValue());
				}
			}
			lines.add(step.getId() + "\t" + step.getParentId() + "\t" + step.getName() + "\t" + subject + "\t"
					+ event.getDuration().toNanos() / 1000);
		}
		try {
			Files.write(file, lines);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	static final class ReadyReporter implements ApplicationListener<ApplicationReadyEvent> {

		@Override
		public void onApplicationEvent(ApplicationReadyEvent event) {
			// JVM uptime counts from the JVM's start, so class loading before main() is included.
			long uptime = ManagementFactory.getRuntimeMXBean().getUptime();
			// CPU time, classes and beans say what the time went on, and vary less with other load.
			long cpuMillis = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
				.getProcessCpuTime() / 1_000_000;
			long classes = ManagementFactory.getClassLoadingMXBean().getTotalLoadedClassCount();
			int beans = event.getApplicationContext().getBeanDefinitionCount();
			System.out.println(READY + " " + uptime + " " + event.getTimeTaken().toMillis() + " " + cpuMillis + " "
					+ classes + " " + beans);
			System.out.flush();
		}

	}

}
