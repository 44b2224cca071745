package dev.neonstarter.jdbc.autoconfigure;

import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;

import dev.neonstarter.pool.NeonHikariDataSource;
import dev.neonstarter.pool.NeonPools;
import dev.neonstarter.ssl.NeonTlsPolicy;

import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.TypeReference;
import org.springframework.boot.context.properties.bind.BindableRuntimeHintsRegistrar;
import org.springframework.util.ClassUtils;

/**
 * What the Neon DataSources load reflectively or by name: the JDK proxies that time statements
 * (the query package's statement wrapping), the pool bound to {@code neon.pooled.hikari.*} at run time with a read replica
 * ({@link NeonReadReplicaConfiguration}), pgjdbc's driver (HikariCP instantiates the class named in
 * {@code driverClassName}) and the SSL factory named in the {@code sslfactory} parameter by {@link NeonTlsPolicy}
 * (pgjdbc instantiates it through its {@code Properties} constructor).
 */
class NeonJdbcRuntimeHints implements RuntimeHintsRegistrar {

	@Override
	public void registerHints(RuntimeHints hints, ClassLoader classLoader) {
		if (!ClassUtils.isPresent("com.zaxxer.hikari.HikariDataSource", classLoader)) {
			return;
		}
		hints.proxies().registerJdkProxy(Connection.class);
		hints.proxies().registerJdkProxy(Statement.class);
		hints.proxies().registerJdkProxy(PreparedStatement.class);
		hints.proxies().registerJdkProxy(CallableStatement.class);
		BindableRuntimeHintsRegistrar.forTypes(NeonHikariDataSource.class).registerHints(hints, classLoader);
		hints.reflection()
			.registerType(TypeReference.of(NeonPools.DRIVER_CLASS_NAME), MemberCategory.INVOKE_DECLARED_CONSTRUCTORS);
		hints.reflection()
			.registerType(TypeReference.of(NeonTlsPolicy.JDK_TRUST_STORE_FACTORY),
					MemberCategory.INVOKE_DECLARED_CONSTRUCTORS);
	}

}
