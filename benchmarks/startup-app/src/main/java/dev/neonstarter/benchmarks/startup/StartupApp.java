package dev.neonstarter.benchmarks.startup;

import java.lang.management.ManagementFactory;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;

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

	public static void main(String[] args) {
		SpringApplication application = new SpringApplication(StartupApp.class);
		application.addListeners(new ReadyReporter());
		ConfigurableApplicationContext context = application.run(args);
		System.exit(SpringApplication.exit(context));
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
