package dev.neonstarter.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

/**
 * Checks the relative links and {@code #anchors} of Markdown files as GitHub renders them: the target file or
 * directory exists, and an anchor names a heading of the target (GitHub's rules: lower case, punctuation
 * dropped, spaces to {@code -}, a repeated heading gets {@code -1}, {@code -2}, ...). Links in code are not
 * links; links with a scheme ({@code https:}, {@code mailto:}) are not checked.
 */
final class MarkdownLinks {

	private static final Pattern FENCE = Pattern.compile("^\\s*(```|~~~)");

	private static final Pattern CODE_SPAN = Pattern.compile("(`+)(.+?)\\1");

	private static final Pattern INLINE_LINK = Pattern.compile("\\[[^\\]]*\\]\\(\\s*<?([^)\\s>]*)>?(?:\\s+\"[^\"]*\")?\\s*\\)");

	private static final Pattern REFERENCE_DEFINITION = Pattern.compile("^\\s{0,3}\\[[^\\]]+\\]:\\s*<?(\\S+?)>?(\\s.*)?$");

	private static final Pattern HTML_LINK = Pattern.compile("(?:href|src)=\"([^\"]*)\"");

	private static final Pattern HEADING = Pattern.compile("^\\s{0,3}(#{1,6})\\s+(.*?)\\s*#*\\s*$");

	private static final Pattern HTML_ANCHOR = Pattern.compile("<a\\s+(?:name|id)=\"([^\"]+)\"");

	private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:|^//");

	private final Map<Path, Set<String>> anchors = new HashMap<>();

	/** The Markdown files of the repository's documentation: at the root, in docs/ and in benchmarks/. */
	static List<Path> documents(Path root) {
		List<Path> result = new ArrayList<>();
		try (Stream<Path> top = Files.list(root)) {
			top.filter((path) -> path.toString().endsWith(".md")).sorted().forEach(result::add);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		for (String directory : List.of("docs", "benchmarks")) {
			Path dir = root.resolve(directory);
			if (!Files.isDirectory(dir)) {
				continue;
			}
			try (Stream<Path> tree = Files.walk(dir)) {
				tree.filter((path) -> path.toString().endsWith(".md"))
					.filter((path) -> !root.relativize(path).toString().contains("target"))
					.sorted()
					.forEach(result::add);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
		return result;
	}

	/** Each dead link of the files, as {@code file:line: link (why)}, paths relative to root. */
	List<String> deadLinks(Path root, List<Path> files) {
		List<String> problems = new ArrayList<>();
		for (Path file : files) {
			for (Link link : links(file)) {
				String why = check(file, link.target());
				if (why != null) {
					problems.add(root.relativize(file) + ":" + link.line() + ": " + link.target() + " (" + why + ")");
				}
			}
		}
		return problems;
	}

	private @Nullable String check(Path file, String target) {
		if (target.isEmpty() || SCHEME.matcher(target).find()) {
			return null;
		}
		int hash = target.indexOf('#');
		String pathPart = (hash >= 0) ? target.substring(0, hash) : target;
		String anchor = (hash >= 0) ? target.substring(hash + 1) : null;
		Path resolved = pathPart.isEmpty() ? file
				: file.getParent().resolve(URLDecoder.decode(pathPart, StandardCharsets.UTF_8)).normalize();
		if (!Files.exists(resolved)) {
			return "no such file or directory";
		}
		if (anchor == null || anchor.isEmpty()) {
			return null;
		}
		if (!resolved.toString().endsWith(".md") || !Files.isRegularFile(resolved)) {
			return anchor.matches("L\\d+(-L\\d+)?") ? null : "an anchor into a file that is not Markdown";
		}
		if (!anchorsOf(resolved).contains(anchor)) {
			return "no heading with the anchor #" + anchor;
		}
		return null;
	}

	Set<String> anchorsOf(Path file) {
		return this.anchors.computeIfAbsent(file, (key) -> {
			Set<String> result = new LinkedHashSet<>();
			Map<String, Integer> seen = new HashMap<>();
			boolean inFence = false;
			for (String line : lines(key)) {
				if (FENCE.matcher(line).find()) {
					inFence = !inFence;
					continue;
				}
				if (inFence) {
					continue;
				}
				Matcher html = HTML_ANCHOR.matcher(line);
				while (html.find()) {
					result.add(html.group(1));
				}
				Matcher heading = HEADING.matcher(line);
				if (heading.matches()) {
					String slug = slug(heading.group(2));
					int count = seen.merge(slug, 1, Integer::sum);
					result.add((count == 1) ? slug : slug + "-" + (count - 1));
				}
			}
			return result;
		});
	}

	/** GitHub's anchor for a heading's text. */
	static String slug(String heading) {
		String text = heading.replaceAll("!?\\[([^\\]]*)\\]\\([^)]*\\)", "$1")
			.replaceAll("<[^>]+>", "")
			.replace("`", "")
			.replace("*", "")
			.toLowerCase(Locale.ROOT);
		StringBuilder slug = new StringBuilder();
		text.codePoints().forEach((c) -> {
			if (Character.isLetterOrDigit(c) || c == '-' || c == '_') {
				slug.appendCodePoint(c);
			}
			else if (c == ' ') {
				slug.append('-');
			}
		});
		return slug.toString();
	}

	/** The links of a file, outside code blocks and code spans; a paragraph is read as one text. */
	static List<Link> links(Path file) {
		List<Link> result = new ArrayList<>();
		List<String> lines = lines(file);
		StringBuilder paragraph = new StringBuilder();
		List<Integer> lineStarts = new ArrayList<>();
		int paragraphLine = 0;
		boolean inFence = false;
		for (int i = 0; i <= lines.size(); i++) {
			String line = (i < lines.size()) ? lines.get(i) : "";
			boolean fence = FENCE.matcher(line).find();
			if (inFence) {
				inFence = !fence;
				continue;
			}
			if (fence || line.isBlank() || HEADING.matcher(line).matches()) {
				collect(paragraph.toString(), paragraphLine, lineStarts, result);
				paragraph.setLength(0);
				lineStarts.clear();
				inFence = fence;
				if (HEADING.matcher(line).matches()) {
					collect(line, i + 1, List.of(0), result);
				}
				continue;
			}
			if (paragraph.length() == 0) {
				paragraphLine = i + 1;
			}
			else {
				paragraph.append('\n');
			}
			lineStarts.add(paragraph.length());
			paragraph.append(line);
			Matcher definition = REFERENCE_DEFINITION.matcher(line);
			if (definition.matches()) {
				result.add(new Link(i + 1, definition.group(1)));
			}
		}
		return result;
	}

	private static void collect(String text, int firstLine, List<Integer> lineStarts, List<Link> result) {
		if (text.isEmpty()) {
			return;
		}
		// Code spans are not links: blank them out, keeping offsets.
		StringBuilder plain = new StringBuilder(text);
		Matcher code = CODE_SPAN.matcher(text);
		while (code.find()) {
			for (int i = code.start(2); i < code.end(2); i++) {
				if (plain.charAt(i) != '\n') {
					plain.setCharAt(i, 'x');
				}
			}
		}
		for (Pattern pattern : List.of(INLINE_LINK, HTML_LINK)) {
			Matcher matcher = pattern.matcher(plain);
			while (matcher.find()) {
				int line = firstLine;
				for (int start = 1; start < lineStarts.size(); start++) {
					if (lineStarts.get(start) <= matcher.start()) {
						line = firstLine + start;
					}
				}
				result.add(new Link(line, matcher.group(1)));
			}
		}
	}

	private static List<String> lines(Path file) {
		try {
			return Files.readAllLines(file, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	record Link(int line, String target) {
	}

}
