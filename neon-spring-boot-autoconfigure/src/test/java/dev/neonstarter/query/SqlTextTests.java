package dev.neonstarter.query;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SqlTextTests {

	@Test
	void literalsBecomePlaceholders() {
		assertThat(SqlText.withoutLiterals("ALTER ROLE app PASSWORD 'S3cret''s'"))
			.isEqualTo("ALTER ROLE app PASSWORD ?");
		assertThat(SqlText.withoutLiterals("SELECT * FROM users WHERE email = 'a@b.c' AND age > 42 AND score < .5"))
			.isEqualTo("SELECT * FROM users WHERE email = ? AND age > ? AND score < ?");
		assertThat(SqlText.withoutLiterals("SELECT E'it\\'s', B'0101', X'1F', U&'d\\0061t', 1.5e-3, 0x1F"))
			.isEqualTo("SELECT E?, B?, X?, U&?, ?, ?");
		assertThat(SqlText.withoutLiterals("DO $$BEGIN PERFORM 'x'; END$$; SELECT $fn$ body; $fn$ , $1"))
			.isEqualTo("DO ?; SELECT ? , $1");
		assertThat(SqlText.withoutLiterals("INSERT INTO t (a) VALUES ('unterminated"))
			.isEqualTo("INSERT INTO t (a) VALUES (?");
	}

	@Test
	void whereAStringsEndIsUncertainNothingAfterItsStartIsShown() {
		// standard_conforming_strings off: the backslash escapes the quote.
		assertThat(SqlText.withoutLiterals("SELECT 1 FROM t WHERE n = 'O\\'Brien' AND token = 'abc123'"))
			.isEqualTo("SELECT ? FROM t WHERE n = ?");
		// A string continued after an escape string keeps its escapes.
		assertThat(SqlText.withoutLiterals("SELECT E'a\\n'\n 'it\\'s hunter2'")).isEqualTo("SELECT E?\n ?");
		// Block comments nest; a line comment may end with a carriage return alone.
		assertThat(SqlText.withoutLiterals("/* a /* b */ don't */ UPDATE t SET token = 'tok_live_abc'"))
			.isEqualTo("/* a /* b */ don't */ UPDATE t SET token = ?");
		assertThat(SqlText.withoutLiterals("SELECT 1 -- note\rFROM t WHERE k = 'secret'"))
			.isEqualTo("SELECT ? -- note\rFROM t WHERE k = ?");
		// Characters beyond ASCII belong to identifiers and dollar-quote tags, as in PostgreSQL.
		assertThat(SqlText.withoutLiterals("SELECT $€$a' 'secret$€$, café1 FROM t"))
			.isEqualTo("SELECT ?, café1 FROM t");
	}

	@Test
	void identifiersPlaceholdersAndCommentsStay() {
		String orm = "select u1_0.id,u1_0.email from app_users u1_0 where u1_0.email=? and u1_0.tier in (?,?) limit ?";
		assertThat(SqlText.withoutLiterals(orm)).isSameAs(orm);
		assertThat(SqlText.withoutLiterals("SELECT \"col 1\", \"a\"\"b2\", t2.c3, a$b FROM s1.t2 WHERE x = $2"))
			.isEqualTo("SELECT \"col 1\", \"a\"\"b2\", t2.c3, a$b FROM s1.t2 WHERE x = $2");
		assertThat(SqlText.withoutLiterals("SELECT 1 -- it's 2\n/* 'x' 3 */ FROM t"))
			.isEqualTo("SELECT ? -- it's 2\n/* 'x' 3 */ FROM t");
	}

	@Test
	void displayIsCutAfterTheLiteralsGo() {
		String sql = "SELECT '" + "x".repeat(100) + "', a FROM t";
		assertThat(SqlText.forDisplay(sql, 12)).isEqualTo("SELECT ?, a …");
		assertThat(SqlText.forDisplay(sql, 100)).isEqualTo("SELECT ?, a FROM t");
	}

}
