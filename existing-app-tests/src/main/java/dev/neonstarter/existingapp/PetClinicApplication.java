package dev.neonstarter.existingapp;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * An application as users bring it to the starter: Spring Data JPA, Thymeleaf pages, Flyway migrations that run
 * on H2 and PostgreSQL, and H2 in its default profile.
 */
@SpringBootApplication
public class PetClinicApplication {

	public static void main(String[] args) {
		SpringApplication.run(PetClinicApplication.class, args);
	}

}
