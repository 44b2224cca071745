package dev.neonstarter.existingapp;

import java.util.List;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

@Service
public class OwnerService {

	private final OwnerRepository owners;

	public OwnerService(OwnerRepository owners) {
		this.owners = owners;
	}

	@Transactional
	public Owner add(String name) {
		return this.owners.save(new Owner(name));
	}

	@Transactional(readOnly = true)
	public List<Owner> search(String name) {
		return this.owners.findByNameContainingIgnoreCaseOrderByName(name);
	}

	/** The port of the server that runs read-only transactions. */
	@Transactional(readOnly = true)
	public int readOnlyServerPort() {
		return this.owners.serverPort();
	}

	/** Whether read-only transactions run on a standby. */
	@Transactional(readOnly = true)
	public boolean readOnlyInRecovery() {
		return this.owners.inRecovery();
	}

	/** The port of the server that runs read-write transactions. */
	@Transactional
	public int readWriteServerPort() {
		return this.owners.serverPort();
	}

	/** A write where the caller marked the transaction read-only (a mistake the docs warn about). */
	@Transactional(readOnly = true)
	public Owner addInReadOnlyTransaction(String name) {
		return this.owners.saveAndFlush(new Owner(name));
	}

}
