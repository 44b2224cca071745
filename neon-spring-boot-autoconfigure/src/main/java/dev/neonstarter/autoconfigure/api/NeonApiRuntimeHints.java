package dev.neonstarter.autoconfigure.api;

import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.boot.context.properties.bind.BindableRuntimeHintsRegistrar;
import org.springframework.util.ClassUtils;

/**
 * What the Neon API client maps reflectively: the JSON bodies Jackson reads and writes
 * ({@link NeonApiMessages}) and {@link NeonApiProperties}, bound at run time by the client's condition.
 */
class NeonApiRuntimeHints implements RuntimeHintsRegistrar {

	@Override
	public void registerHints(RuntimeHints hints, ClassLoader classLoader) {
		if (!ClassUtils.isPresent("tools.jackson.databind.json.JsonMapper", classLoader)) {
			return;
		}
		new BindingReflectionHintsRegistrar().registerReflectionHints(hints.reflection(),
				NeonApiMessages.CreateBranchRequest.class, NeonApiMessages.CreateBranchResponse.class,
				NeonApiMessages.OperationResponse.class, NeonApiMessages.BranchesResponse.class,
				NeonApiMessages.DatabasesResponse.class, NeonApiMessages.ConnectionUriResponse.class,
				NeonApiMessages.ErrorResponse.class);
		BindableRuntimeHintsRegistrar.forTypes(NeonApiProperties.class).registerHints(hints, classLoader);
	}

}
