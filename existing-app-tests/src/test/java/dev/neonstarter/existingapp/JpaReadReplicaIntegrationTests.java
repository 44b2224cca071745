package dev.neonstarter.existingapp;

import dev.neonstarter.testsupport.NeonTestTopology;
import dev.neonstarter.testsupport.ReadReplicaServer;
import dev.neonstarter.testsupport.ReplicatedTopology;
import dev.neonstarter.testsupport.RequiresPgBaseBackup;
import dev.neonstarter.testsupport.RequiresPgBouncer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * The same application with a Neon read replica (a streaming hot standby here): Spring Data JPA reads in
 * {@code @Transactional(readOnly = true)} run on the replica and see its replication lag (so do repository finders
 * called outside a transaction), writes on the primary, and a write in a read-only transaction fails with SQLState
 * 25006.
 */
@RequiresPgBouncer
@RequiresPgBaseBackup
@SpringBootTest
class JpaReadReplicaIntegrationTests {

	@RegisterExtension
	static final ReplicatedTopology servers = new ReplicatedTopology();

	@DynamicPropertySource
	static void neon(DynamicPropertyRegistry registry) {
		NeonTestTopology topology = servers.topology();
		String database = topology.createDatabase();
		servers.replica().awaitReplay();
		TestDatabases.neon(registry, topology, database);
		registry.add("neon.read-replica.url", () -> servers.replica().url(database, "sslmode=require"));
	}

	@Autowired
	OwnerService owners;

	@Autowired
	OwnerRepository repository;

	private final ReadReplicaServer replica = servers.replica();

	@BeforeEach
	void replicated() {
		this.replica.awaitReplay();
	}

	@Test
	void readOnlyTransactionsRunOnTheReplica() {
		assertThat(this.owners.readOnlyInRecovery()).isTrue();
		assertThat(this.owners.readOnlyServerPort()).isEqualTo(this.replica.port());
		assertThat(this.owners.readWriteServerPort()).isEqualTo(servers.topology().postgres().port());
	}

	@Test
	void repositoryReadsSeeTheReplicasLag() {
		this.owners.add("Carlos Estaban");
		this.replica.awaitReplay();
		assertThat(this.owners.search("estaban")).extracting(Owner::getName).containsExactly("Carlos Estaban");
		this.replica.pauseReplay();
		try {
			this.owners.add("Carla Estaban");
			assertThat(this.owners.search("estaban")).extracting(Owner::getName).containsExactly("Carlos Estaban");
		}
		finally {
			this.replica.resumeReplay();
		}
		this.replica.awaitReplay();
		assertThat(this.owners.search("estaban")).extracting(Owner::getName)
			.containsExactly("Carla Estaban", "Carlos Estaban");
	}

	@Test
	void aRepositoryFinderCalledOutsideATransactionReadsFromTheReplica() {
		// Spring Data's finders run in a read-only transaction of their own (docs/read-replicas.md).
		this.replica.pauseReplay();
		Long id;
		try {
			id = this.repository.save(new Owner("Rosa Lagos")).getId();
			assertThat(this.repository.findById(id)).isEmpty();
		}
		finally {
			this.replica.resumeReplay();
		}
		this.replica.awaitReplay();
		assertThat(this.repository.findById(id)).map(Owner::getName).contains("Rosa Lagos");
	}

	@Test
	void aWriteInAReadOnlyTransactionFailsOnTheReplica() {
		assertThatException().isThrownBy(() -> this.owners.addInReadOnlyTransaction("Jean Coleman"))
			.satisfies((ex) -> assertThat(NestedExceptionUtils.getMostSpecificCause(ex))
				.isInstanceOfSatisfying(java.sql.SQLException.class,
						(sql) -> assertThat(sql.getSQLState()).isEqualTo("25006")));
	}

}
