/**
 * An application that migrates with Liquibase.
 */
@NullMarked
package dev.neonstarter.liquibaseapp;

import org.jspecify.annotations.NullMarked;
