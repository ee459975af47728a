package dlblocks.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * spec/ and the tests agree: every invariant ID defined in {@code spec/*.md} (a heading
 * {@code ### ID}) is cited by at least one test's {@link Spec} annotation, every cited ID is defined,
 * and every invariant names the test class that checks it.
 */
public class SpecCoverageTest {
    private static final Pattern HEADING = Pattern.compile("^### ([A-Z0-9]+(?:-[A-Z0-9]+)+)\\s*$", Pattern.MULTILINE);
    private static final Path SPEC = Paths.get("spec");
    private static final Path TEST_CLASSES = Paths.get("target", "test-classes");

    /** ID → the spec section text. */
    public static Map<String, String> definedIds() throws IOException {
        Map<String, String> ids = new TreeMap<>();
        List<Path> files;
        try (Stream<Path> s = Files.list(SPEC)) {
            files = s.filter(p -> p.toString().endsWith(".md")).sorted().toList();
        }
        for (Path file : files) {
            String text = Files.readString(file);
            Matcher m = HEADING.matcher(text);
            List<int[]> spans = new ArrayList<>();
            List<String> names = new ArrayList<>();
            while (m.find()) {
                spans.add(new int[] {m.start(), m.end()});
                names.add(m.group(1));
            }
            for (int i = 0; i < names.size(); i++) {
                int end = i + 1 < spans.size() ? spans.get(i + 1)[0] : text.length();
                String section = text.substring(spans.get(i)[1], end);
                String previous = ids.put(names.get(i), file.getFileName() + ":" + section);
                assertTrue(previous == null, "spec ID " + names.get(i) + " is defined twice");
            }
        }
        return ids;
    }

    /** ID → test classes citing it (found by scanning compiled test classes). */
    static Map<String, Set<String>> citedIds() throws Exception {
        Map<String, Set<String>> cited = new TreeMap<>();
        List<Path> classes;
        try (Stream<Path> s = Files.walk(TEST_CLASSES)) {
            classes = s.filter(p -> p.toString().endsWith(".class")).toList();
        }
        for (Path file : classes) {
            String name = TEST_CLASSES.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
            Class<?> c = Class.forName(name, false, SpecCoverageTest.class.getClassLoader());
            List<Spec> specs = new ArrayList<>();
            if (c.getAnnotation(Spec.class) != null) specs.add(c.getAnnotation(Spec.class));
            for (Method m : c.getDeclaredMethods()) {
                if (m.getAnnotation(Spec.class) != null) specs.add(m.getAnnotation(Spec.class));
            }
            for (Spec spec : specs) {
                for (String id : spec.value()) {
                    String top = c.getName().replaceAll("\\$.*", "");
                    cited.computeIfAbsent(id, k -> new TreeSet<>()).add(top.substring(top.lastIndexOf('.') + 1));
                }
            }
        }
        return cited;
    }

    @Test
    void everySpecIdHasATest() throws Exception {
        Set<String> untested = new TreeSet<>(definedIds().keySet());
        untested.removeAll(citedIds().keySet());
        assertEquals(Set.of(), untested, "spec IDs without a test citing them");
    }

    @Test
    void everyCitedIdIsDefined() throws Exception {
        Set<String> unknown = new TreeSet<>(citedIds().keySet());
        unknown.removeAll(definedIds().keySet());
        assertEquals(Set.of(), unknown, "tests cite spec IDs that spec/ does not define");
    }

    @Test
    void everySpecSectionNamesATestClassThatCitesIt() throws Exception {
        Map<String, Set<String>> cited = citedIds();
        List<String> wrong = new ArrayList<>();
        for (Map.Entry<String, String> e : definedIds().entrySet()) {
            Set<String> classes = cited.getOrDefault(e.getKey(), Set.of());
            boolean named = classes.stream().anyMatch(c -> e.getValue().contains(c));
            if (!named) {
                wrong.add(e.getKey() + " (cited by " + classes + ")");
            }
        }
        assertEquals(List.of(), wrong, "spec sections must name (in their 'Test:' line) a test class citing them");
    }
}
