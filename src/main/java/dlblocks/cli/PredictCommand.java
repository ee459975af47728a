package dlblocks.cli;

import dlblocks.bow.LangIdModel;
import dlblocks.io.Json;
import dlblocks.io.TextLines;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code dlblocks predict}: a label and the class probabilities for each text. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Predict the label of each TEXT (and of each line of --input), with every label's probability. "
                + "Words the model has never seen are ignored and counted.")
final class PredictCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "FILE", description = "a model written by train")
    Path model;

    @Parameters(paramLabel = "TEXT", arity = "0..*", description = "texts to classify")
    List<String> texts = new ArrayList<>();

    @Option(names = "--input", paramLabel = "FILE", description = "a UTF-8 file of texts, one per line")
    Path input;

    @Option(names = "--json", description = "print one JSON array of results")
    boolean json;

    @Override
    public Integer call() throws IOException {
        List<String> all = new ArrayList<>(texts);
        List<String> where = new ArrayList<>(); // "argument 2", "texts.txt:7": for warnings
        for (int i = 0; i < texts.size(); i++) {
            where.add("argument " + (i + 1));
        }
        if (input != null) {
            for (TextLines.Line line : readLines(input)) {
                all.add(line.text());
                where.add(input + ":" + line.number());
            }
        }
        if (all.isEmpty()) {
            throw new IllegalArgumentException("nothing to predict: give TEXT arguments or --input FILE");
        }
        LangIdModel m = LangIdModel.load(model);
        List<LangIdModel.Prediction> predictions = m.predict(all);
        for (int i = 0; i < all.size(); i++) {
            if (predictions.get(i).knowsNoWord()) {
                System.err.println("warning: " + where.get(i) + ": no word of this text is in the model's vocabulary, "
                        + "so its label comes from the bias alone");
            }
        }
        PrintStream out = System.out;
        if (json) {
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < all.size(); i++) {
                LangIdModel.Prediction p = predictions.get(i);
                sb.append(i == 0 ? "\n" : ",\n").append("  {\"text\": ").append(Json.quote(all.get(i)))
                        .append(", \"label\": ").append(Json.quote(p.label())).append(", \"probabilities\": {");
                boolean first = true;
                for (Map.Entry<String, Double> e : p.probabilities().entrySet()) {
                    sb.append(first ? "" : ", ").append(Json.quote(e.getKey())).append(": ").append(e.getValue());
                    first = false;
                }
                sb.append("}, \"unknown_words\": ").append(p.unknownWords()).append('}');
            }
            out.println(sb.append("\n]"));
            return 0;
        }
        for (int i = 0; i < all.size(); i++) {
            LangIdModel.Prediction p = predictions.get(i);
            StringBuilder probs = new StringBuilder();
            for (Map.Entry<String, Double> e : p.probabilities().entrySet()) {
                probs.append(probs.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%s=%.4f", e.getKey(), e.getValue()));
            }
            out.println(p.label() + "\t" + probs + "\tunknown_words=" + p.unknownWords() + "\t" + all.get(i));
        }
        return 0;
    }

    /** The lines of a UTF-8 file; an empty line or bytes that are not UTF-8 are errors naming the line. */
    static List<TextLines.Line> readLines(Path file) throws IOException {
        List<TextLines.Line> lines = new ArrayList<>();
        for (TextLines.Line line : TextLines.split(TextLines.readFile(file))) {
            if (line.text() == null) {
                throw new IllegalArgumentException(file + ":" + line.number() + ": the line is not valid UTF-8");
            }
            if (line.text().isBlank()) {
                throw new IllegalArgumentException(file + ":" + line.number() + ": empty text");
            }
            lines.add(line);
        }
        return lines;
    }
}
