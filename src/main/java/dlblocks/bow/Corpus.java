package dlblocks.bow;

import dlblocks.io.TextLines;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Labelled texts read from a TSV file: one example per line, {@code LABEL<TAB>text}, UTF-8, {@code \n}
 * (or {@code \r\n}) line ends. A line with no tab, an empty label, empty text or bytes that are not UTF-8
 * is an error naming the file and line — or, when asked, is skipped and counted.
 */
public final class Corpus {
    private final String name;
    private final List<String> labels;
    private final List<String> texts;
    private final List<Integer> lineNumbers;
    private final int skippedLines;
    private final List<String> problems;

    private Corpus(String name, List<String> labels, List<String> texts, List<Integer> lineNumbers, int skippedLines,
                   List<String> problems) {
        this.name = name;
        this.lineNumbers = Collections.unmodifiableList(lineNumbers);
        this.labels = Collections.unmodifiableList(labels);
        this.texts = Collections.unmodifiableList(texts);
        this.skippedLines = skippedLines;
        this.problems = Collections.unmodifiableList(problems);
    }

    /** Reads a file; bad lines are errors unless {@code skipBadLines}. */
    public static Corpus read(Path file, boolean skipBadLines) throws IOException {
        return parse(file.toString(), TextLines.readFile(file), skipBadLines);
    }

    /** Reads a stream (e.g. the corpus bundled in the jar), naming it {@code name} in errors. */
    public static Corpus read(String name, InputStream in, boolean skipBadLines) throws IOException {
        return parse(name, in.readAllBytes(), skipBadLines);
    }

    /** Parses the bytes of a TSV file. */
    public static Corpus parse(String name, byte[] bytes, boolean skipBadLines) {
        List<String> labels = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        List<Integer> lineNumbers = new ArrayList<>();
        int skipped = 0;
        for (TextLines.Line line : TextLines.split(bytes)) {
            String problem = parseLine(line.text(), labels, texts);
            if (problem == null) {
                lineNumbers.add(line.number());
            } else {
                String where = name + ":" + line.number() + ": " + problem;
                if (!skipBadLines) {
                    throw new CorpusFormatException(where + " (use --skip-bad-lines to skip such lines)");
                }
                skipped++;
                if (problems.size() < 10) problems.add(where);
            }
        }
        return new Corpus(name, labels, texts, lineNumbers, skipped, problems);
    }

    /** Adds one line's example, or returns what is wrong with it. */
    private static String parseLine(String text, List<String> labels, List<String> texts) {
        if (text == null) {
            return "the line is not valid UTF-8";
        }
        int tab = text.indexOf('\t');
        if (tab < 0) {
            return "expected LABEL<TAB>text, found no tab";
        }
        String label = text.substring(0, tab).strip();
        String body = text.substring(tab + 1).strip();
        if (label.isEmpty()) {
            return "empty label";
        }
        if (body.isEmpty()) {
            return "empty text";
        }
        labels.add(label);
        texts.add(body);
        return null;
    }

    public int size() {
        return texts.size();
    }

    public List<String> labels() {
        return labels;
    }

    public List<String> texts() {
        return texts;
    }

    /** Where example i (from 0) came from: {@code file:line}. */
    public String where(int i) {
        return name + ":" + lineNumbers.get(i);
    }

    /** How many bad lines were skipped. */
    public int skippedLines() {
        return skippedLines;
    }

    /** The first (up to 10) skipped lines, each as {@code file:line: problem}. */
    public List<String> problems() {
        return problems;
    }
}
