package io.kubeli.systemit.images;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code .dockerignore} as Docker applies it (moby/patternmatcher): patterns cleaned and made relative to the
 * context root, {@code *} and {@code ?} within one path segment, {@code **} across segments, {@code !} re-includes,
 * the last matching pattern decides, and a pattern that matches a directory excludes everything below it.
 */
final class DockerIgnore {
    private record Rule(Pattern regex, boolean exclusion, String source) {}

    private final List<Rule> rules;

    private DockerIgnore(List<Rule> rules) {
        this.rules = rules;
    }

    static DockerIgnore none() {
        return new DockerIgnore(List.of());
    }

    /** The context's {@code <dockerfile>.dockerignore} if present (BuildKit), else its {@code .dockerignore}. */
    static DockerIgnore forContext(Path context, Path dockerfile) throws IOException {
        Path specific = dockerfile.resolveSibling(dockerfile.getFileName() + ".dockerignore");
        Path f = Files.isRegularFile(specific) ? specific : context.resolve(".dockerignore");
        return Files.isRegularFile(f) ? parse(Files.readAllLines(f)) : none();
    }

    static DockerIgnore parse(List<String> lines) {
        List<Rule> rules = new ArrayList<>();
        for (String line : lines) {
            String p = line.strip();
            if (p.isEmpty() || p.startsWith("#")) {
                continue;
            }
            boolean exclusion = p.startsWith("!");
            if (exclusion) {
                p = p.substring(1).strip();
            }
            p = clean(p);
            if (p.length() > 1 && p.startsWith("/")) {
                p = p.substring(1);
            }
            rules.add(new Rule(Pattern.compile(regex(p)), exclusion, line.strip()));
        }
        return new DockerIgnore(List.copyOf(rules));
    }

    /** Whether the context-relative path (with {@code /} separators) is left out of the build context. */
    boolean excluded(String relative) {
        List<String> candidates = new ArrayList<>();
        String[] parts = relative.split("/");
        StringBuilder sb = new StringBuilder();
        for (String part : parts) {
            sb.append(sb.isEmpty() ? "" : "/").append(part);
            candidates.add(sb.toString());
        }
        boolean excluded = false;
        for (Rule r : rules) {
            if (r.exclusion() != excluded) {
                continue; // only a rule of the other polarity can change the answer
            }
            for (String c : candidates) {
                if (r.regex().matcher(c).matches()) {
                    excluded = !r.exclusion();
                    break;
                }
            }
        }
        return excluded;
    }

    /** Go's filepath.Clean for slash-separated patterns: drops empty and "." segments, resolves "..". */
    static String clean(String p) {
        boolean abs = p.startsWith("/");
        List<String> out = new ArrayList<>();
        for (String seg : p.split("/")) {
            if (seg.isEmpty() || seg.equals(".")) {
                continue;
            }
            if (seg.equals("..") && !out.isEmpty() && !out.getLast().equals("..")) {
                out.removeLast();
            } else if (!(seg.equals("..") && abs)) {
                out.add(seg);
            }
        }
        String s = String.join("/", out);
        return abs ? "/" + s : s.isEmpty() ? "." : s;
    }

    private static String regex(String p) {
        StringBuilder re = new StringBuilder("^");
        for (int i = 0; i < p.length(); i++) {
            char ch = p.charAt(i);
            if (ch == '*') {
                if (i + 1 < p.length() && p.charAt(i + 1) == '*') {
                    i++;
                    if (i + 1 < p.length() && p.charAt(i + 1) == '/') {
                        i++; // "**/" is "**"
                    }
                    re.append(i + 1 >= p.length() ? ".*" : "(.*/)?");
                } else {
                    re.append("[^/]*");
                }
            } else if (ch == '?') {
                re.append("[^/]");
            } else if (ch == '\\' && i + 1 < p.length()) {
                re.append(Pattern.quote(String.valueOf(p.charAt(++i))));
            } else if (".+()|{}$^".indexOf(ch) >= 0) {
                re.append('\\').append(ch);
            } else {
                re.append(ch); // letters, '/', and '[...]' classes as in Go
            }
        }
        return re.append('$').toString();
    }
}
