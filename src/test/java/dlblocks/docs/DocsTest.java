package dlblocks.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The pages in docs/ cannot drift from the code. In a page, {@code <!-- code: REGION -->} before a java
 * block means the block is exactly the region {@code REGION} of {@link Examples}; {@code <!-- output: m -->}
 * before a text block means the block is exactly what {@code Examples.m} prints; every spec ID a page
 * names in backticks exists in spec/. Run with {@code -Ddocs.update=true} to rewrite the blocks from the
 * code (then read the diff).
 */
class DocsTest {
    private static final Path DOCS = Paths.get("docs");
    private static final Path EXAMPLES = Paths.get("src/test/java/dlblocks/docs/Examples.java");
    private static final Pattern BLOCK = Pattern.compile(
            "<!-- (code|output): ([A-Za-z0-9-]+) -->\\n```(java|text)\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern SPEC_ID = Pattern.compile("`([A-Z0-9]+(?:-[A-Z0-9]+){2,})`");
    private static final boolean UPDATE = Boolean.getBoolean("docs.update");

    static List<Path> pages() throws IOException {
        try (Stream<Path> s = Files.list(DOCS)) {
            return s.filter(p -> p.getFileName().toString().matches("\\d\\d-.*\\.md")).sorted().toList();
        }
    }

    @TestFactory
    List<DynamicTest> everyPageShowsTheCodeThatRunsAndItsRealOutput() throws IOException {
        String source = Files.readString(EXAMPLES);
        List<DynamicTest> tests = new ArrayList<>();
        for (Path page : pages()) {
            tests.add(DynamicTest.dynamicTest(page.getFileName().toString(), () -> {
                String text = Files.readString(page);
                StringBuilder updated = new StringBuilder();
                Matcher m = BLOCK.matcher(text);
                int blocks = 0;
                while (m.find()) {
                    blocks++;
                    String expected = m.group(1).equals("code") ? region(source, m.group(2)) : output(m.group(2));
                    if (UPDATE) {
                        m.appendReplacement(updated, Matcher.quoteReplacement(
                                "<!-- " + m.group(1) + ": " + m.group(2) + " -->\n```" + m.group(3) + "\n" + expected + "```"));
                    } else {
                        assertEquals(expected, m.group(4), page + ": the " + m.group(1) + " block for " + m.group(2)
                                + " differs from what the code is/prints (rerun with -Ddocs.update=true)");
                    }
                }
                assertTrue(blocks > 0, page + " shows no code");
                if (UPDATE) {
                    m.appendTail(updated);
                    Files.writeString(page, updated.toString());
                }
            }));
        }
        return tests;
    }

    @Test
    void everyPageCitesOnlySpecIdsThatExist() throws Exception {
        Set<String> defined = dlblocks.spec.SpecCoverageTest.definedIds().keySet();
        Set<String> unknown = new TreeSet<>();
        for (Path page : pages()) {
            Matcher m = SPEC_ID.matcher(Files.readString(page));
            boolean any = false;
            while (m.find()) {
                any = true;
                if (!defined.contains(m.group(1))) unknown.add(page.getFileName() + ": " + m.group(1));
            }
            assertTrue(any, page + " names no spec ID");
        }
        assertEquals(Set.of(), unknown, "spec IDs named in docs/ but not defined in spec/");
    }

    /** Every `Class.method(`, `new Class(` and `Class.Options.option` of docs/porting.md's Java column exists. */
    @Test
    void everyJavaTwinNamedInThePortingTableExists() throws Exception {
        List<String> missing = new ArrayList<>();
        int checked = 0;
        for (String line : Files.readAllLines(DOCS.resolve("porting.md"))) {
            String[] cells = line.split("\\|");
            if (cells.length < 4 || line.startsWith("|---") || cells[2].contains("Java")) continue;
            Matcher call = Pattern.compile("(?<![.\\w])([A-Z][A-Za-z]*)\\.(?:Options\\.)?([a-z][A-Za-z_]*)").matcher(cells[2]);
            while (call.find()) {
                if (call.group(1).equals("System")) continue; // the JDK's, not ours
                checked++;
                Class<?> c = find(call.group(1));
                boolean options = call.group(0).contains(".Options.");
                Class<?> owner = c == null ? null : options ? nested(c, "Options") : c;
                if (owner == null || !hasMember(owner, call.group(2))) missing.add(call.group(0));
            }
            Matcher ctor = Pattern.compile("new ([A-Z][A-Za-z]*)\\(").matcher(cells[2]);
            while (ctor.find()) {
                checked++;
                if (find(ctor.group(1)) == null) missing.add(ctor.group(0));
            }
        }
        assertTrue(checked > 60, "the porting table names " + checked + " Java members");
        assertEquals(List.of(), missing, "docs/porting.md names Java members that do not exist");
    }

    private static final String[] PACKAGES = {"tensor", "autograd", "random", "module", "affine", "nonlinear",
        "softmax", "loss", "optim", "bow", "io", "cli", "cuda"};

    private static Class<?> find(String simpleName) {
        for (String p : PACKAGES) {
            try {
                return Class.forName("dlblocks." + p + "." + simpleName);
            } catch (ClassNotFoundException e) {
                // try the next package
            }
        }
        return null;
    }

    private static Class<?> nested(Class<?> c, String name) {
        for (Class<?> n : c.getDeclaredClasses()) if (n.getSimpleName().equals(name)) return n;
        return null;
    }

    private static boolean hasMember(Class<?> c, String name) {
        for (Method m : c.getMethods()) if (m.getName().equals(name)) return true;
        try {
            return Modifier.isPublic(c.getField(name).getModifiers());
        } catch (NoSuchFieldException e) {
            return false;
        }
    }

    /** The lines between {@code // BEGIN name} and {@code // END name}, with their common indent removed. */
    static String region(String source, String name) {
        int begin = source.indexOf("// BEGIN " + name + "\n");
        int end = source.indexOf("// END " + name + "\n");
        assertFalse(begin < 0 || end < 0, "Examples.java has no region " + name);
        String body = source.substring(source.indexOf('\n', begin) + 1, source.lastIndexOf('\n', end) + 1);
        int indent = Integer.MAX_VALUE;
        for (String line : body.split("\n")) {
            if (!line.isBlank()) indent = Math.min(indent, line.length() - line.stripLeading().length());
        }
        StringBuilder out = new StringBuilder();
        for (String line : body.split("\n")) {
            out.append(line.isBlank() ? "" : line.substring(indent)).append('\n');
        }
        return out.toString();
    }

    static String output(String method) throws Exception {
        Method m = Examples.class.getDeclaredMethod(method, PrintStream.class);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        m.invoke(null, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
