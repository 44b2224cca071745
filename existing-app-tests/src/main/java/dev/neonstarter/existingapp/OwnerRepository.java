package dev.neonstarter.existingapp;

import java.util.List;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

public interface OwnerRepository extends JpaRepository<Owner, Long> {

	List<Owner> findByNameContainingIgnoreCaseOrderByName(String name);

	/** Which server answers (its port): tells the primary from a read replica in tests. */
	@Query(value = "SELECT inet_server_port()", nativeQuery = true)
	Integer serverPort();

	/** Whether the server answering is a standby (a read replica). */
	@Query(value = "SELECT pg_is_in_recovery()", nativeQuery = true)
	Boolean inRecovery();

	/** How many owners have a name: several bind parameters, as an ORM's queries have. */
	@Query("select count(o) from Owner o where o.name in (:a, :b, :c)")
	long countNamed(@Param("a") String a, @Param("b") String b, @Param("c") String c);

}
