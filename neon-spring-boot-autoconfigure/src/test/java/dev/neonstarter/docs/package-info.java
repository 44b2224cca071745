/**
 * Tests of the documentation: the generated properties appendix and the links between the Markdown files.
 */
@NullMarked
package dev.neonstarter.docs;

import org.jspecify.annotations.NullMarked;
