package dev.neonstarter.sample;

import org.springframework.boot.SpringApplication;

/**
 * Runs the notes app against a PostgreSQL container instead of Neon or the embedded database:
 * {@code ./mvnw -pl sample-app spring-boot:test-run} (needs Docker).
 */
public class TestNotesApplication {

	public static void main(String[] args) {
		SpringApplication.from(NotesApplication::main).with(ContainersConfiguration.class).run(args);
	}

}
