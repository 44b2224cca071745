package dev.neonstarter.test;

import org.springframework.test.annotation.DirtiesContext.HierarchyMode;
import org.springframework.test.context.TestContext;
import org.springframework.test.context.TestContextAnnotationUtils;
import org.springframework.test.context.support.AbstractTestExecutionListener;

/**
 * Closes the application context of a {@link NeonBranch} test class after the class, before its branch is
 * deleted: a cached context would keep pools pointing at a deleted branch, and a later run of the same class in
 * this JVM (which gets a new branch) must not reuse it.
 */
class NeonBranchTestExecutionListener extends AbstractTestExecutionListener {

	@Override
	public void afterTestClass(TestContext testContext) {
		if (TestContextAnnotationUtils.hasAnnotation(testContext.getTestClass(), NeonBranch.class)
				&& testContext.hasApplicationContext()) {
			testContext.markApplicationContextDirty(HierarchyMode.EXHAUSTIVE);
		}
	}

}
