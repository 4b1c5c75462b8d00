package io.kubeli.systemit.images;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** A parsed Dockerfile: stages of instructions (comments dropped, continuations joined, flags split off). */
record Dockerfile(Path file, List<Stage> stages) {

    /** One instruction: keyword (upper case), its {@code --name=value} flags, and its arguments. */
    record Instruction(
            int line, String keyword, Map<String, String> flags, String rest, List<String> args, boolean execForm) {
        Optional<String> flag(String name) {
            return Optional.ofNullable(flags.get(name));
        }

        @Override
        public String toString() {
            return "line " + line + ": " + keyword + " " + rest;
        }
    }

    /** One stage: {@code FROM image [AS name]} and the instructions up to the next FROM. */
    record Stage(int index, String image, String name, List<Instruction> instructions) {
        List<Instruction> all(String keyword) {
            return instructions.stream()
                    .filter(i -> i.keyword().equals(keyword))
                    .toList();
        }

        Optional<Instruction> last(String keyword) {
            List<Instruction> l = all(keyword);
            return l.isEmpty() ? Optional.empty() : Optional.of(l.getLast());
        }

        /** A stage that only names an image (e.g. {@code FROM eclipse-temurin:25-jdk AS jdk}): not built here. */
        boolean imageOnly() {
            return instructions.stream()
                    .noneMatch(i -> i.keyword().equals("RUN")
                            || i.keyword().equals("COPY")
                            || i.keyword().equals("ADD"));
        }

        String ref() {
            return name != null ? name : Integer.toString(index);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    static Dockerfile parse(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        List<Stage> stages = new ArrayList<>();
        List<Instruction> current = null;
        StringBuilder logical = new StringBuilder();
        int start = 0;
        for (int n = 0; n < lines.size(); n++) {
            String raw = lines.get(n);
            // comment lines (and parser directives) are dropped, also inside a continued instruction
            if (raw.stripLeading().startsWith("#")) {
                continue;
            }
            if (logical.isEmpty()) {
                if (raw.isBlank()) {
                    continue;
                }
                start = n + 1;
            }
            String t = raw.stripTrailing();
            if (t.endsWith("\\")) {
                logical.append(t, 0, t.length() - 1).append(' ');
                continue;
            }
            logical.append(t);
            Instruction ins = instruction(start, logical.toString().strip());
            logical.setLength(0);
            if (ins.keyword().equals("FROM")) {
                current = new ArrayList<>();
                List<String> a = ins.args();
                String name = a.size() == 3 && a.get(1).equalsIgnoreCase("AS") ? a.get(2) : null;
                if (a.size() != 1 && name == null) {
                    throw new IllegalArgumentException(file + ": bad FROM at line " + start);
                }
                stages.add(new Stage(stages.size(), a.getFirst(), name, current));
            } else if (current == null) {
                if (!ins.keyword().equals("ARG")) {
                    throw new IllegalArgumentException(file + ": " + ins.keyword() + " before FROM at line " + start);
                }
            } else {
                current.add(ins);
            }
        }
        if (!logical.isEmpty()) {
            throw new IllegalArgumentException(file + ": continuation at end of file");
        }
        if (stages.isEmpty()) {
            throw new IllegalArgumentException(file + ": no FROM");
        }
        return new Dockerfile(file, List.copyOf(stages));
    }

    private static Instruction instruction(int line, String text) {
        int sp = text.indexOf(' ');
        String keyword = (sp < 0 ? text : text.substring(0, sp)).toUpperCase(Locale.ROOT);
        String rest = sp < 0 ? "" : text.substring(sp + 1).strip();
        Map<String, String> flags = new LinkedHashMap<>();
        if (List.of("FROM", "RUN", "COPY", "ADD", "HEALTHCHECK").contains(keyword)) {
            while (rest.startsWith("--")) {
                int end = rest.indexOf(' ');
                String flag = end < 0 ? rest : rest.substring(0, end);
                int eq = flag.indexOf('=');
                // RUN may repeat --mount: keep every value
                String key = eq < 0 ? flag.substring(2) : flag.substring(2, eq);
                String value = eq < 0 ? "" : flag.substring(eq + 1);
                flags.merge(key, value, (a, b) -> a + " " + b);
                rest = end < 0 ? "" : rest.substring(end + 1).strip();
            }
        }
        boolean exec = false;
        List<String> args;
        if (rest.startsWith("[") && !keyword.equals("LABEL") && !keyword.equals("ENV")) {
            try {
                args = JSON.readValue(rest, new TypeReference<List<String>>() {});
                exec = true;
            } catch (IOException e) {
                args = List.of(rest.split("\\s+")); // Docker, too, falls back to the shell form
            }
        } else {
            args = rest.isEmpty() ? List.of() : List.of(rest.split("\\s+"));
        }
        return new Instruction(line, keyword, Map.copyOf(flags), rest, List.copyOf(args), exec);
    }

    Stage finalStage() {
        return stages.getLast();
    }

    /** The stage a {@code --from} value names (stage name or index), if it is a stage of this file. */
    Optional<Stage> stage(String ref) {
        return stages.stream()
                .filter(s -> ref.equals(s.name()) || ref.equals(Integer.toString(s.index())))
                .findFirst();
    }
}
