package dev.neonstarter.benchmarks.handwired.sample;

import dev.neonstarter.benchmarks.startup.handwired.HandwiredNeonConfiguration;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;

/**
 * The sample app's notes API on the hand-assembled equivalent of the starter ({@link HandwiredNeonConfiguration}):
 * what the benchmarks compare the sample app with, request for request.
 */
@SpringBootApplication
@Import(HandwiredNeonConfiguration.class)
public class HandwiredNotesApplication {

	public static void main(String[] args) {
		SpringApplication.run(HandwiredNotesApplication.class, args);
	}

}
