package dlblocks.verification;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dlblocks.Tolerances;
import dlblocks.bow.LangIdModel;
import dlblocks.io.Json;
import dlblocks.io.Safetensors;
import dlblocks.spec.Spec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Language-identification models move between dlblocks and PyTorch both ways (fixtures and the script
 * that made them: verification/langid/README.md). A model trained by the Java CLI, loaded by PyTorch into
 * the tutorial's BoWClassifier, predicted there what Java predicts here; a model trained and saved by
 * PyTorch loads here and predicts what it predicted in PyTorch. "The same" means the same label for every
 * text, the same count of unknown words, and log-probabilities and probabilities within the float32 bounds
 * derived in {@link Tolerances#f32BowLogProbBound} and {@link Tolerances#probabilityBound}.
 */
class LangIdInteropTest {
    private static final Path DIR = Path.of("verification", "langid");

    /** What the comparison saw, for the README: texts, the largest differences and how close to the bound. */
    private record Summary(int texts, double maxLogProbDiff, double maxLogProbRatio, double maxProbabilityRatio) {
    }

    @Test
    @Spec("LANGID-JAVA-LOADS-PYTORCH-MODELS")
    void aModelTrainedInPyTorchPredictsInJavaWhatItPredictedInPyTorch() throws Exception {
        Summary s = compare(DIR.resolve("torch-model.safetensors"), DIR.resolve("torch-predictions.json"));
        System.out.println("PyTorch-made model: " + s);
    }

    @Test
    @Spec("LANGID-PYTORCH-LOADS-JAVA-MODELS")
    void pyTorchPredictedWithAJavaTrainedModelWhatJavaPredicts() throws Exception {
        Summary s = compare(DIR.resolve("java-model.safetensors"), DIR.resolve("java-model.torch-predictions.json"));
        System.out.println("Java-made model: " + s);
    }

    /** The Java-made fixture is exactly what LangIdModel.save writes, so PyTorch read Java's own format. */
    @Test
    @Spec("LANGID-PYTORCH-LOADS-JAVA-MODELS")
    void theJavaModelFixtureIsByteForByteWhatLangIdModelSaves(@TempDir Path tmp) throws IOException {
        Path fixture = DIR.resolve("java-model.safetensors");
        Path again = tmp.resolve("again.safetensors");
        LangIdModel.load(fixture).save(again, false);
        assertArrayEquals(Files.readAllBytes(fixture), Files.readAllBytes(again));
    }

    /** PyTorch's file (written by the Python standard library) is what Safetensors.encode writes for its contents. */
    @Test
    @Spec("LANGID-JAVA-LOADS-PYTORCH-MODELS")
    void thePyTorchWrittenFileIsByteForByteWhatJavaWouldWrite() throws IOException {
        byte[] bytes = Files.readAllBytes(DIR.resolve("torch-model.safetensors"));
        Safetensors.Contents contents = Safetensors.read("torch-model.safetensors", bytes);
        assertEquals(List.of("linear.weight", "linear.bias"), List.copyOf(contents.tensors().keySet()));
        assertArrayEquals(bytes, Safetensors.encode(contents.tensors(), contents.metadata()));
    }

    private static Summary compare(Path modelFile, Path predictionsFile) throws Exception {
        Map<String, Object> recorded = Json.parseObject(Files.readString(predictionsFile));
        byte[] modelBytes = Files.readAllBytes(modelFile);
        assertEquals(recorded.get("model_sha256"), HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(modelBytes)),
                predictionsFile + " was made with another " + modelFile + ": regenerate it (README)");
        LangIdModel model = LangIdModel.load(modelFile);
        List<String> labels = model.labels().words();
        assertEquals(recorded.get("labels"), labels);
        assertEquals(recorded.get("tokenizer"), model.tokenizer().mode().name().toLowerCase(Locale.ROOT));
        assertEquals(recorded.get("lowercase"), model.tokenizer().lowercase());

        List<?> rows = (List<?>) recorded.get("predictions");
        List<String> texts = new ArrayList<>();
        for (Object row : rows) texts.add((String) ((Map<?, ?>) row).get("text"));
        List<LangIdModel.Prediction> predictions = model.predict(texts);

        int classes = labels.size();
        int vocab = model.vocabulary().size();
        float[] w = model.model().linear.weight.toFloatArray();
        float[] b = model.model().linear.bias.toFloatArray();
        double maxDiff = 0;
        double maxRatio = 0;
        double maxProbabilityRatio = 0;
        int allUnknown = 0;
        for (int i = 0; i < rows.size(); i++) {
            Map<?, ?> row = (Map<?, ?>) rows.get(i);
            LangIdModel.Prediction p = predictions.get(i);
            String where = predictionsFile.getFileName() + " text " + (i + 1) + " " + Json.quote(texts.get(i));
            assertEquals(row.get("label"), p.label(), where + ": label");
            assertEquals(row.get("unknown_words"), (long) p.unknownWords(), where + ": unknown words");

            // The bound's inputs, from the model: distinct known words (k) and max_c Σ x_j|W_cj| + |b_c|.
            Map<Integer, Integer> counts = new HashMap<>();
            for (String word : model.tokenizer().tokens(texts.get(i))) {
                if (model.vocabulary().contains(word)) counts.merge(model.vocabulary().indexOf(word), 1, Integer::sum);
            }
            if (counts.isEmpty()) allUnknown++;
            double sumOfAbs = 0;
            for (int c = 0; c < classes; c++) {
                double s = Math.abs(b[c]);
                for (Map.Entry<Integer, Integer> e : counts.entrySet()) s += e.getValue() * Math.abs(w[c * vocab + e.getKey()]);
                sumOfAbs = Math.max(sumOfAbs, s);
            }
            double bound = Tolerances.f32BowLogProbBound(counts.size() + 1, sumOfAbs, classes);

            Map<?, ?> logProbs = (Map<?, ?>) row.get("log_probs");
            Map<?, ?> probabilities = (Map<?, ?>) row.get("probabilities");
            for (String label : labels) {
                double javaP = p.probabilities().get(label);
                double torchLog = ((Number) logProbs.get(label)).doubleValue();
                double torchP = ((Number) probabilities.get(label)).doubleValue();
                double diff = Math.abs(Math.log(javaP) - torchLog);
                assertTrue(diff <= bound, where + ", " + label + ": log-probability Java " + Math.log(javaP)
                        + ", PyTorch " + torchLog + ", differ by " + diff + " > bound " + bound);
                double probabilityBound = Tolerances.probabilityBound(javaP, bound);
                assertTrue(Math.abs(javaP - torchP) <= probabilityBound, where + ", " + label + ": probability Java "
                        + javaP + ", PyTorch " + torchP + " differ by more than " + probabilityBound);
                maxDiff = Math.max(maxDiff, diff);
                maxRatio = Math.max(maxRatio, diff / bound);
                maxProbabilityRatio = Math.max(maxProbabilityRatio, Math.abs(javaP - torchP) / probabilityBound);
            }
        }
        // The fixture must exercise what the comparison is about: a few hundred texts, some with no known word.
        assertTrue(rows.size() >= 300, "only " + rows.size() + " texts in " + predictionsFile);
        assertTrue(allUnknown >= 1, predictionsFile + " has no text whose words are all unknown");
        return new Summary(rows.size(), maxDiff, maxRatio, maxProbabilityRatio);
    }
}
