package dev.neonstarter.testsupport;

import java.nio.file.Path;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** See {@link RequiresPgBaseBackup}. */
class PgBaseBackupCondition extends InstalledToolCondition {

	PgBaseBackupCondition() {
		this(ReadReplicaServer::pgBaseBackup, InstalledToolCondition::requiredByCi);
	}

	PgBaseBackupCondition(Supplier<Optional<Path>> executable, BooleanSupplier required) {
		super("pg_basebackup", "postgresql-client", "read replica (hot standby) tests", executable, required);
	}

}
