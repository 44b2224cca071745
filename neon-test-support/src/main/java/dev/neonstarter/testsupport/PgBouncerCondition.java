package dev.neonstarter.testsupport;

import java.nio.file.Path;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** See {@link RequiresPgBouncer}. */
class PgBouncerCondition extends InstalledToolCondition {

	PgBouncerCondition() {
		this(PgBouncerServer::executable, InstalledToolCondition::requiredByCi);
	}

	PgBouncerCondition(Supplier<Optional<Path>> executable, BooleanSupplier required) {
		super("pgbouncer", "pgbouncer", "PgBouncer/TLS topology tests", executable, required);
	}

}
