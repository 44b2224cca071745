package dev.neonstarter.query;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A statement's text as the slow-query log and the {@code db.query.text} span attribute show it: every literal
 * (a quoted string, an escape, bit or hex string, a dollar-quoted string, a number) replaced by {@code ?}, so that
 * values written into the SQL (a password in {@code ALTER ROLE}, an e-mail in a hand-built query) never leave the
 * application, as OpenTelemetry's conventions ask of query text; placeholders ({@code ?}, {@code $1}), identifiers
 * (quoted ones too, digits and all), keywords and comments stay as written. Then cut at a length.
 */
final class SqlText {

	/**
	 * Statements seen without a literal, shown as they are: most statements are prepared ones, whose text repeats.
	 * One with literals is not kept (it may hold a secret, and such statements are often all different).
	 */
	private static final Set<String> withoutLiterals = ConcurrentHashMap.newKeySet();

	/** How many statements {@link #withoutLiterals} keeps. */
	private static final int CACHED = 1024;

	private SqlText() {
	}

	/** {@link #withoutLiterals}, cut at {@code maxLength} characters (with an ellipsis after). */
	static String forDisplay(String sql, int maxLength) {
		String text = sql;
		if (!withoutLiterals.contains(sql)) {
			text = withoutLiterals(sql);
			if (text == sql && withoutLiterals.size() < CACHED) {
				withoutLiterals.add(sql);
			}
		}
		return (text.length() > maxLength) ? text.substring(0, maxLength) + "…" : text;
	}

	/** The statement with each literal replaced by {@code ?}; the same instance when it has none. */
	static String withoutLiterals(String sql) {
		StringBuilder out = null;
		int copied = 0;
		int length = sql.length();
		int i = 0;
		while (i < length) {
			char c = sql.charAt(i);
			int tagEnd = (c == '$') ? dollarTagEnd(sql, i) : -1;
			int end;
			if (c == '\'') {
				boolean escapes = escapeString(sql, i);
				end = endOfQuoted(sql, i, escapes);
				if (!escapes && !unicodeString(sql, i) && hasBackslash(sql, i + 1, end)) {
					// A backslash in a plain string: a continued escape string, or standard_conforming_strings
					// off, where it escapes the quote and the string goes on. Where it ends is not certain, so
					// nothing after its start is shown.
					end = length;
				}
			}
			else if (tagEnd > 0) {
				int close = sql.indexOf(sql.substring(i, tagEnd), tagEnd);
				end = (close < 0) ? length : close + (tagEnd - i);
			}
			else if (isDigit(c) || (c == '.' && i + 1 < length && isDigit(sql.charAt(i + 1)))) {
				end = endOfNumber(sql, i);
			}
			else {
				i = skip(sql, i);
				continue;
			}
			if (out == null) {
				out = new StringBuilder(length);
			}
			out.append(sql, copied, i).append('?');
			copied = end;
			i = end;
		}
		if (out == null) {
			return sql;
		}
		return out.append(sql, copied, length).toString();
	}

	/** Past what is not a literal at {@code i}: an identifier, a quoted identifier, a comment, a parameter. */
	private static int skip(String sql, int i) {
		int length = sql.length();
		char c = sql.charAt(i);
		if (isIdentifierStart(c)) {
			int end = i + 1;
			while (end < length && isIdentifierPart(sql.charAt(end))) {
				end++;
			}
			return end;
		}
		if (c == '"') {
			return endOfQuoted(sql, i, false);
		}
		if (c == '-' && i + 1 < length && sql.charAt(i + 1) == '-') {
			int end = i + 2;
			while (end < length && sql.charAt(end) != '\n' && sql.charAt(end) != '\r') {
				end++;
			}
			return end;
		}
		if (c == '/' && i + 1 < length && sql.charAt(i + 1) == '*') {
			// PostgreSQL's block comments nest.
			int depth = 1;
			int end = i + 2;
			while (end < length && depth > 0) {
				if (sql.startsWith("/*", end)) {
					depth++;
					end += 2;
				}
				else if (sql.startsWith("*/", end)) {
					depth--;
					end += 2;
				}
				else {
					end++;
				}
			}
			return end;
		}
		if (c == '$') {
			// A positional parameter: $1.
			int end = i + 1;
			while (end < length && isDigit(sql.charAt(end))) {
				end++;
			}
			return end;
		}
		return i + 1;
	}

	/** Whether the string at {@code quote} is an escape string ({@code E'...'}), where a backslash escapes. */
	private static boolean escapeString(String sql, int quote) {
		if (quote == 0 || Character.toLowerCase(sql.charAt(quote - 1)) != 'e') {
			return false;
		}
		return quote == 1 || !isIdentifierPart(sql.charAt(quote - 2));
	}

	/** Whether {@code sql} has a backslash from {@code start} (inclusive) to {@code end} (exclusive). */
	private static boolean hasBackslash(String sql, int start, int end) {
		for (int i = start; i < end; i++) {
			if (sql.charAt(i) == '\\') {
				return true;
			}
		}
		return false;
	}

	/** Whether the string at {@code quote} is a Unicode escape string ({@code U&'...'}), whose backslashes escape. */
	private static boolean unicodeString(String sql, int quote) {
		return quote >= 2 && sql.charAt(quote - 1) == '&' && Character.toLowerCase(sql.charAt(quote - 2)) == 'u';
	}

	/**
	 * Past the closing quote of the string literal or quoted identifier that starts at {@code quote} (a doubled
	 * quote is a quote inside it).
	 */
	private static int endOfQuoted(String sql, int quote, boolean backslashEscapes) {
		char mark = sql.charAt(quote);
		int length = sql.length();
		int i = quote + 1;
		while (i < length) {
			char c = sql.charAt(i);
			if (backslashEscapes && c == '\\') {
				i += 2;
				continue;
			}
			if (c == mark) {
				if (i + 1 < length && sql.charAt(i + 1) == mark) {
					i += 2;
					continue;
				}
				return i + 1;
			}
			i++;
		}
		return length;
	}

	/** Past the opening tag when a dollar quote ({@code $$} or {@code $tag$}) starts at {@code i}, else -1. */
	private static int dollarTagEnd(String sql, int i) {
		int length = sql.length();
		int end = i + 1;
		if (end < length && isIdentifierStart(sql.charAt(end))) {
			end++;
			while (end < length && isIdentifierPart(sql.charAt(end)) && sql.charAt(end) != '$') {
				end++;
			}
		}
		return (end < length && sql.charAt(end) == '$') ? end + 1 : -1;
	}

	/** Past a number (digits, a fraction, an exponent, and any letters or digits run into it, as in 0x1F). */
	private static int endOfNumber(String sql, int i) {
		int length = sql.length();
		int end = i;
		while (end < length) {
			char c = sql.charAt(end);
			if (isIdentifierPart(c) || c == '.') {
				end++;
			}
			else if ((c == '+' || c == '-') && Character.toLowerCase(sql.charAt(end - 1)) == 'e'
					&& isDigit(sql.charAt(i))) {
				end++;
			}
			else {
				break;
			}
		}
		return end;
	}

	private static boolean isDigit(char c) {
		return c >= '0' && c <= '9';
	}

	/** As PostgreSQL's lexer: letters, {@code _} and any character beyond ASCII. */
	private static boolean isIdentifierStart(char c) {
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
	}

	private static boolean isIdentifierPart(char c) {
		return isIdentifierStart(c) || isDigit(c) || c == '$';
	}

}
