package dev.neonstarter.api.autoconfigure;

import java.util.Arrays;

import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.util.ClassUtils;

/**
 * What the Neon API client maps reflectively: the JSON bodies Jackson reads and writes, package-private in
 * {@code dev.neonstarter.api} and so named here. {@link NeonApiProperties} needs nothing here: it is bound
 * through {@code @EnableConfigurationProperties}, whose AOT processing registers what binding needs.
 */
class NeonApiRuntimeHints implements RuntimeHintsRegistrar {

	private static final String CLIENT = "dev.neonstarter.api.NeonApiClient";

	private static final String MESSAGES = "dev.neonstarter.api.NeonApiMessages$";

	/** The bodies the client reads or writes; the types they contain are registered with them. */
	private static final String[] BODIES = { "CreateBranchRequest", "CreateBranchResponse", "OperationResponse",
			"BranchesResponse", "DatabasesResponse", "ConnectionUriResponse", "ErrorResponse" };

	@Override
	public void registerHints(RuntimeHints hints, ClassLoader classLoader) {
		if (!ClassUtils.isPresent(CLIENT, classLoader)
				|| !ClassUtils.isPresent("tools.jackson.databind.json.JsonMapper", classLoader)) {
			return;
		}
		new BindingReflectionHintsRegistrar().registerReflectionHints(hints.reflection(), Arrays.stream(BODIES)
			.map((body) -> ClassUtils.resolveClassName(MESSAGES + body, classLoader))
			.toArray(Class<?>[]::new));
	}

}
