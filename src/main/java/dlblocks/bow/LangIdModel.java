package dlblocks.bow;

import dlblocks.io.Json;
import dlblocks.io.Safetensors;
import dlblocks.io.SafetensorsException;
import dlblocks.tensor.DType;
import dlblocks.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A trained language identifier: the tutorial's {@link BoWClassifier} with the vocabulary, the label
 * order and the tokenizer it was trained with. Saved as safetensors with PyTorch's state_dict names
 * ({@code linear.weight}, {@code linear.bias}, float32) and the rest in the file's metadata, so the
 * tutorial's PyTorch {@code BoWClassifier} can load it.
 */
public final class LangIdModel {
    /** Metadata keys. Values are strings, as safetensors requires; lists are JSON arrays. */
    public static final String VOCABULARY = "dlblocks.vocabulary";
    public static final String LABELS = "dlblocks.labels";
    public static final String TOKENIZER = "dlblocks.tokenizer";
    public static final String LOWERCASE = "dlblocks.lowercase";

    private final BoWClassifier model;
    private final Vocabulary vocabulary;
    private final Vocabulary labels;
    private final Tokenizer tokenizer;

    public LangIdModel(BoWClassifier model, Vocabulary vocabulary, Vocabulary labels, Tokenizer tokenizer) {
        if (model.linear.inFeatures() != vocabulary.size() || model.linear.outFeatures() != labels.size()) {
            throw new IllegalArgumentException("model maps " + model.linear.inFeatures() + " words to "
                    + model.linear.outFeatures() + " labels, but the vocabulary has " + vocabulary.size()
                    + " words and there are " + labels.size() + " labels");
        }
        this.model = model;
        this.vocabulary = vocabulary;
        this.labels = labels;
        this.tokenizer = tokenizer;
    }

    public BoWClassifier model() {
        return model;
    }

    public Vocabulary vocabulary() {
        return vocabulary;
    }

    public Vocabulary labels() {
        return labels;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    /**
     * One text's prediction: the most probable label, every label's probability, the words ignored and
     * the text's words in all.
     */
    public record Prediction(String label, Map<String, Double> probabilities, int unknownWords, int words) {
        /** No word of the text is in the vocabulary: the BoW vector is all zeros and the bias alone decides. */
        public boolean knowsNoWord() {
            return unknownWords == words;
        }
    }

    /** Predicts each text; words the vocabulary lacks are ignored and counted. Empty text is an error. */
    public List<Prediction> predict(List<String> texts) {
        List<List<String>> sentences = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            if (texts.get(i).isBlank()) {
                throw new IllegalArgumentException("text " + (i + 1) + " is empty: there is nothing to classify");
            }
            sentences.add(tokenizer.tokens(texts.get(i)));
        }
        // All texts in one batch: the model's weights are read once, not once per text.
        double[] logProbs = SparseTrainer.logProbs(model, SparseBatch.of(sentences, vocabulary, UnknownWords.SKIP))
                .toDoubleArray();
        List<String> names = labels.words();
        int classes = names.size();
        List<Prediction> out = new ArrayList<>();
        for (int i = 0; i < sentences.size(); i++) {
            Map<String, Double> probabilities = new LinkedHashMap<>();
            int best = 0;
            for (int c = 0; c < classes; c++) {
                probabilities.put(names.get(c), Math.exp(logProbs[i * classes + c]));
                if (logProbs[i * classes + c] > logProbs[i * classes + best]) best = c;
            }
            int unknown = 0;
            for (String word : sentences.get(i)) {
                if (!vocabulary.contains(word)) unknown++;
            }
            out.add(new Prediction(names.get(best), probabilities, unknown, sentences.get(i).size()));
        }
        return out;
    }

    /** Saves atomically; an existing file is replaced only when {@code overwrite}. */
    public void save(Path file, boolean overwrite) throws IOException {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", "pt");
        metadata.put(LABELS, jsonArray(labels.words()));
        metadata.put(TOKENIZER, tokenizer.mode().name().toLowerCase(java.util.Locale.ROOT));
        metadata.put(LOWERCASE, Boolean.toString(tokenizer.lowercase()));
        metadata.put(VOCABULARY, jsonArray(vocabulary.words()));
        Safetensors.write(file, model.stateDict(), metadata, overwrite);
    }

    /**
     * Loads a model saved by {@link #save} (or by the PyTorch script in verification/).
     *
     * @throws SafetensorsException when the file is not a safetensors file or not such a model
     */
    public static LangIdModel load(Path file) throws IOException {
        Safetensors.Contents contents = Safetensors.read(file);
        Map<String, String> meta = contents.metadata();
        Vocabulary vocabulary = Vocabulary.of(stringList(file, meta, VOCABULARY).toArray(new String[0]));
        Vocabulary labels = Vocabulary.of(stringList(file, meta, LABELS).toArray(new String[0]));
        Tokenizer.Mode mode;
        try {
            mode = Tokenizer.Mode.valueOf(meta.getOrDefault(TOKENIZER, "split").toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new SafetensorsException(file + ": unknown tokenizer '" + meta.get(TOKENIZER) + "' in metadata");
        }
        String lowercase = meta.getOrDefault(LOWERCASE, "false");
        if (!lowercase.equalsIgnoreCase("true") && !lowercase.equalsIgnoreCase("false")) {
            throw new SafetensorsException(file + ": metadata '" + LOWERCASE + "' is '" + lowercase + "', not true or false");
        }
        Tokenizer tokenizer = new Tokenizer(mode, lowercase.equalsIgnoreCase("true"));
        if (labels.size() == 0) {
            throw new SafetensorsException(file + ": metadata '" + LABELS + "' names no labels");
        }
        Tensor weight = contents.tensors().get("linear.weight");
        Tensor bias = contents.tensors().get("linear.bias");
        if (weight == null || bias == null || contents.tensors().size() != 2) {
            throw new SafetensorsException(file + ": expected exactly the float32 tensors 'linear.weight' and "
                    + "'linear.bias', found " + contents.tensors().keySet());
        }
        for (String name : List.of("linear.weight", "linear.bias")) {
            DType dtype = contents.tensors().get(name).dtype();
            if (dtype != DType.FLOAT32) {
                throw new SafetensorsException(file + ": " + name + " is " + dtype.torchName() + ", expected float32 "
                        + "(a model saved from PyTorch in another dtype: convert it with model.float() first)");
            }
        }
        if (weight.dim() != 2 || weight.size(0) != labels.size() || weight.size(1) != vocabulary.size()
                || bias.dim() != 1 || bias.size(0) != labels.size()) {
            throw new SafetensorsException(file + ": linear.weight has shape " + dlblocks.tensor.Shape.str(weight.shape())
                    + " and linear.bias " + dlblocks.tensor.Shape.str(bias.shape()) + " but the metadata names "
                    + labels.size() + " labels and " + vocabulary.size() + " words");
        }
        for (String name : List.of("linear.weight", "linear.bias")) {
            String broken = nonFinite(name, contents.tensors().get(name));
            if (broken != null) {
                throw new SafetensorsException(file + ": " + broken + "; the model is broken, probably by a "
                        + "training run that diverged");
            }
        }
        BoWClassifier model = new BoWClassifier(labels.size(), vocabulary.size(), new dlblocks.random.Generator(0));
        model.loadStateDict(contents.tensors());
        return new LangIdModel(model, vocabulary, labels, tokenizer);
    }

    /**
     * "NAME holds NaN (element i)" for the first NaN or infinite element of t, or null when all are finite.
     * Such a weight (left by a diverged training run) would make every prediction NaN.
     */
    static String nonFinite(String name, Tensor t) {
        float[] values = t.toFloatArray();
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                return name + " holds " + values[i] + " (element " + i + ")";
            }
        }
        return null;
    }

    private static String jsonArray(List<String> items) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) sb.append(',');
            sb.append(Json.quote(items.get(i)));
        }
        return sb.append(']').toString();
    }

    private static List<String> stringList(Path file, Map<String, String> meta, String key) {
        String text = meta.get(key);
        if (text == null) {
            throw new SafetensorsException(file + ": metadata has no '" + key + "'");
        }
        Object parsed;
        try {
            parsed = Json.parse(text);
        } catch (RuntimeException e) {
            throw new SafetensorsException(file + ": metadata '" + key + "': " + e.getMessage());
        }
        List<String> out = new ArrayList<>();
        if (parsed instanceof List) {
            for (Object o : (List<?>) parsed) {
                if (!(o instanceof String)) break;
                out.add((String) o);
            }
            if (out.size() == ((List<?>) parsed).size()) {
                if (new java.util.HashSet<>(out).size() != out.size()) {
                    throw new SafetensorsException(file + ": metadata '" + key + "' repeats an entry");
                }
                return out;
            }
        }
        throw new SafetensorsException(file + ": metadata '" + key + "' must be a JSON array of strings");
    }
}
