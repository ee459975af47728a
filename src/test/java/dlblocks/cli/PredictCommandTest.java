package dlblocks.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlblocks.Tolerances;
import dlblocks.bow.LangIdModel;
import dlblocks.io.Json;
import dlblocks.io.Safetensors;
import dlblocks.spec.Spec;
import dlblocks.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dlblocks predict}: TEXT arguments, {@code --input}, {@code --json}, and its errors. */
class PredictCommandTest {
    @TempDir
    static Path dir;
    static Path model;
    static LangIdModel loaded;

    @BeforeAll
    static void trainOnce() throws IOException {
        model = Cli.trainSmallModel(dir, "m.safetensors");
        loaded = LangIdModel.load(model);
    }

    /** The words of {@code text} the model's vocabulary lacks, counted here from its tokenizer. */
    static int unknownWords(String text) {
        int n = 0;
        for (String w : loaded.tokenizer().tokens(text)) {
            if (!loaded.vocabulary().contains(w)) n++;
        }
        return n;
    }

    @Test
    @Spec("CLI-PREDICT-LABEL-AND-PROBABILITIES")
    void eachTextGetsALineWithItsLabelEveryProbabilityAndItsUnknownWords() {
        List<String> texts = List.of("the cat and the dog", "die Katze und der Hund", "el gato y el perro zzzq xyzzy");
        List<String> args = new ArrayList<>(List.of("predict", "--model", model.toString()));
        args.addAll(texts);
        Cli.Result r = Cli.run(args.toArray(new String[0]));
        r.assertSucceeded();
        List<String> lines = r.out().lines().toList();
        assertEquals(texts.size(), lines.size(), r.out());
        List<LangIdModel.Prediction> expected = loaded.predict(texts);
        for (int i = 0; i < texts.size(); i++) {
            String[] fields = lines.get(i).split("\t");
            assertEquals(4, fields.length, lines.get(i));
            assertEquals(expected.get(i).label(), fields[0]);
            assertTrue(fields[1].startsWith("ENGLISH=") && fields[1].contains(" GERMAN=") && fields[1].contains(" SPANISH="),
                    fields[1]);
            assertEquals("unknown_words=" + unknownWords(texts.get(i)), fields[2]);
            assertEquals(texts.get(i), fields[3]);
        }
        assertEquals(List.of("ENGLISH", "GERMAN", "SPANISH"), lines.stream().map(l -> l.split("\t")[0]).toList(),
                "the small model tells these three apart");
        assertEquals(2, unknownWords(texts.get(2)), "two made-up words");
    }

    @Test
    @Spec("CLI-PREDICT-WARNS-WHEN-NO-WORD-IS-KNOWN")
    void aTextWithNoKnownWordIsPredictedWithAWarningNamingWhereItCameFrom() throws IOException {
        Path input = Cli.write(dir.resolve("unknown.txt"), "der Hund\n!!! ???\nzzzq xyzzy\n");
        Cli.Result r = Cli.run("predict", "--model", model.toString(), "the cat", "qqqz", "--input", input.toString());
        r.assertSucceeded();
        assertEquals(5, r.out().lines().count(), "every text still gets its prediction: " + r.out());
        List<String> warnings = r.err().lines().toList();
        assertEquals(List.of("argument 2", input + ":2", input + ":3"),
                warnings.stream().map(w -> w.substring("warning: ".length(), w.indexOf(": no word"))).toList(),
                r.err());
        assertTrue(warnings.get(0).endsWith("so its label comes from the bias alone"), warnings.get(0));
        Cli.Result json = Cli.run("predict", "--model", model.toString(), "--json", "qqqz");
        json.assertSucceeded();
        assertTrue(json.out().strip().startsWith("[") && !json.out().contains("warning"), "the JSON stays clean: " + json.out());
        assertTrue(json.err().startsWith("warning: argument 1: "), json.err());
        assertEquals("", Cli.run("predict", "--model", model.toString(), "the cat").err(), "no warning when a word is known");
    }

    @Test
    @Spec("CLI-PREDICT-LABEL-AND-PROBABILITIES")
    void inputFileLinesFollowTheTextArgumentsInOrder() throws IOException {
        Path input = Cli.write(dir.resolve("texts.txt"), "der Hund\r\nla gata lee\nthe garden");
        Cli.Result r = Cli.run("predict", "--model", model.toString(), "the cat", "--input", input.toString());
        r.assertSucceeded();
        assertEquals(List.of("the cat", "der Hund", "la gata lee", "the garden"),
                r.out().lines().map(l -> l.substring(l.lastIndexOf('\t') + 1)).toList());
    }

    @Test
    @Spec("CLI-PREDICT-LABEL-AND-PROBABILITIES")
    void jsonOutputParsesAndEachResultsProbabilitiesSumToOneWithTheLabelMostProbable() {
        List<String> texts = List.of("the cat sat", "sie liest", "qué \"hora\" es\tahora", "zzz only unknown words");
        List<String> args = new ArrayList<>(List.of("predict", "--model", model.toString(), "--json"));
        args.addAll(texts);
        Cli.Result r = Cli.run(args.toArray(new String[0]));
        r.assertSucceeded();
        Object parsed = Json.parse(r.out());
        assertTrue(parsed instanceof List, r.out());
        List<?> results = (List<?>) parsed;
        assertEquals(texts.size(), results.size());
        for (int i = 0; i < texts.size(); i++) {
            Map<?, ?> result = (Map<?, ?>) results.get(i);
            assertEquals(texts.get(i), result.get("text"), "text round-trips through JSON escaping");
            Map<?, ?> probabilities = (Map<?, ?>) result.get("probabilities");
            assertEquals(loaded.labels().words(), new ArrayList<>(probabilities.keySet()), "every label, in model order");
            double sum = 0;
            String best = null;
            for (Map.Entry<?, ?> e : probabilities.entrySet()) {
                double p = ((Number) e.getValue()).doubleValue();
                assertTrue(p >= 0 && p <= 1, e.toString());
                sum += p;
                if (best == null || p > ((Number) probabilities.get(best)).doubleValue()) best = (String) e.getKey();
            }
            double bound = Tolerances.logSoftmaxProbabilitySum(probabilities.size());
            assertTrue(Math.abs(sum - 1) <= bound, "probabilities of " + texts.get(i) + " sum to " + sum
                    + ", more than " + bound + " from 1");
            assertEquals(best, result.get("label"), "the label is the most probable one");
            assertEquals((long) unknownWords(texts.get(i)), result.get("unknown_words"));
        }
    }

    @Test
    @Spec("CLI-ERRORS-ARE-ONE-LINE")
    void emptyTextIsAnError() throws IOException {
        Cli.run("predict", "--model", model.toString(), "the cat", "  ").assertOneLineError("text 2 is empty");
        Path input = Cli.write(dir.resolve("blank.txt"), "the cat\n\t \nder Hund\n");
        Cli.run("predict", "--model", model.toString(), "--input", input.toString())
                .assertOneLineError(input + ":2: empty text");
        Cli.run("predict", "--model", model.toString()).assertOneLineError("nothing to predict");
    }

    @Test
    @Spec("CLI-ERRORS-ARE-ONE-LINE")
    void missingFilesAndBadBytesAreErrorsNamingThem() throws IOException {
        Path missing = dir.resolve("no-model.safetensors");
        Cli.run("predict", "--model", missing.toString(), "the cat").assertOneLineError("no such file", missing.toString());
        Path noInput = dir.resolve("no-input.txt");
        Cli.run("predict", "--model", model.toString(), "--input", noInput.toString())
                .assertOneLineError("no such file", noInput.toString());
        Path latin1 = dir.resolve("latin1.txt");
        Files.write(latin1, new byte[] {'o', 'k', '\n', 'G', 'r', (byte) 0xfc, 'n', '\n'});
        Cli.run("predict", "--model", model.toString(), "--input", latin1.toString())
                .assertOneLineError(latin1 + ":2:", "UTF-8");
    }

    @Test
    @Spec("CLI-ERRORS-ARE-ONE-LINE")
    void aModelWithNaNWeightsIsRefusedRatherThanPredictingNaN() throws IOException {
        Safetensors.Contents contents = Safetensors.read(model);
        Map<String, Tensor> tensors = new LinkedHashMap<>(contents.tensors());
        Tensor weight = tensors.get("linear.weight").clone();
        weight.put_(3, Double.NaN);
        tensors.put("linear.weight", weight);
        Path broken = dir.resolve("nan.safetensors");
        Safetensors.write(broken, tensors, contents.metadata(), true);
        Cli.run("predict", "--model", broken.toString(), "the cat")
                .assertOneLineError(broken + ": linear.weight holds NaN (element 3)", "diverged");
    }
}
