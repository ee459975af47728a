package dlblocks.cli;

import dlblocks.bow.Corpus;
import dlblocks.bow.LangIdModel;
import dlblocks.bow.LangIdTraining;
import dlblocks.bow.SparseTrainer;
import dlblocks.bow.Tokenizer;
import dlblocks.io.AtomicFiles;
import dlblocks.tensor.Backends;
import dlblocks.tensor.Device;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dlblocks train}: the tutorial's classifier trained on real text. With no arguments it trains on
 * the bundled six-language corpus with defaults chosen on its dev split, and writes
 * {@code langid.safetensors} and {@code langid.png} (training loss and dev accuracy per epoch).
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train the bag-of-words classifier on LABEL<TAB>text data (default: the bundled "
                + "language-identification corpus) and save it as safetensors, with a PNG plot beside it.")
final class TrainCommand implements Callable<Integer> {
    static final String BUNDLED_TRAIN = "/dlblocks/langid/train.tsv";
    static final String BUNDLED_DEV = "/dlblocks/langid/dev.tsv";

    @Option(names = "--train", paramLabel = "FILE", description = "training data (default: the bundled corpus)")
    Path train;

    @Option(names = "--dev", paramLabel = "FILE",
            description = "dev data for accuracy after each epoch (default: the bundled dev split when --train is not given)")
    Path dev;

    @Option(names = "--epochs", defaultValue = "5", description = "passes over the training data (default: ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--lr", defaultValue = "0.5", description = "learning rate (default: ${DEFAULT-VALUE})")
    double lr;

    @Option(names = "--optimizer", defaultValue = "adagrad", paramLabel = "sgd|adagrad|adam|rmsprop",
            description = "optimiser (default: ${DEFAULT-VALUE})")
    String optimizer;

    @Option(names = "--batch-size", defaultValue = "64", description = "examples per step (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--seed", defaultValue = "1", description = "seed for initialisation and shuffling (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu or cuda[:N] (default: ${DEFAULT-VALUE})")
    String device;

    @Option(names = "--lowercase", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "lower-case texts before splitting (default: ${DEFAULT-VALUE})")
    boolean lowercase;

    @Option(names = "--tokenizer", defaultValue = "words", paramLabel = "words|split",
            description = "words: runs of letters and digits; split: the tutorial's str.split() (default: ${DEFAULT-VALUE})")
    String tokenizer;

    @Option(names = "--min-count", defaultValue = "1", description = "keep words seen at least this often (default: ${DEFAULT-VALUE})")
    int minCount;

    @Option(names = "--out", defaultValue = "langid.safetensors", paramLabel = "FILE",
            description = "model file to write (default: ${DEFAULT-VALUE}); the plot goes beside it as .png")
    Path out;

    @Option(names = "--force", description = "overwrite an existing model or plot")
    boolean force;

    @Option(names = "--skip-bad-lines", description = "skip (and count) malformed lines instead of stopping")
    boolean skipBadLines;

    @Option(names = "--plot", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "write a PNG of training loss and dev accuracy beside the model (default: ${DEFAULT-VALUE})")
    boolean plot;

    @Option(names = "--progress", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "show a progress bar on a terminal (default: ${DEFAULT-VALUE})")
    boolean progress;

    @Override
    public Integer call() throws IOException {
        PrintStream out = System.out;
        Device target = Device.parse(device);
        if (target.isCuda() && !Backends.cudaIsAvailable()) {
            throw new IllegalArgumentException("--device " + device + ": CUDA is not available: "
                    + Backends.cudaUnavailableReason());
        }
        Path plotFile = plot ? plotPath(this.out) : null;
        // Everything that would make saving fail is checked now, not after minutes of training.
        for (Path p : plot ? List.of(this.out, plotFile) : List.of(this.out)) {
            refuseToReplaceInput(p, "--train", train);
            refuseToReplaceInput(p, "--dev", dev);
            AtomicFiles.checkWritable(p, force);
        }
        LangIdTraining.Settings settings = new LangIdTraining.Settings(
                new Tokenizer(parseTokenizer(tokenizer), lowercase), minCount, parseAlgorithm(optimizer), lr,
                batchSize, epochs, seed, target);
        Corpus trainData = train != null ? Corpus.read(train, skipBadLines) : bundled(BUNDLED_TRAIN);
        Corpus devData = dev != null ? Corpus.read(dev, skipBadLines)
                : train == null ? bundled(BUNDLED_DEV) : null;
        reportSkipped(trainData, devData);
        if (trainData.size() == 0) {
            throw new IllegalArgumentException((train != null ? train : BUNDLED_TRAIN) + ": no examples to train on");
        }
        if (devData != null && devData.size() == 0) {
            throw new IllegalArgumentException(dev + ": no examples to measure dev accuracy on (leave out --dev to "
                    + "train without a dev set)");
        }
        out.printf(Locale.ROOT, "training on %d examples%s: %s lr %s, batch %d, %d epochs, seed %d, %s%n",
                trainData.size(), devData == null ? "" : " (dev: " + devData.size() + ")",
                optimizer, lr, batchSize, epochs, seed, target);
        List<LangIdTraining.Epoch> history = new ArrayList<>();
        LangIdModel model;
        try (Progress bar = Progress.open(progress, "train", (long) trainData.size() * epochs)) {
            model = LangIdTraining.train(trainData, devData, settings, history, bar);
        }
        model.save(this.out, force);
        boolean plotted = plot && writePlot(history, plotFile);
        out.printf(Locale.ROOT, "vocabulary %d words, %d labels %s%n", model.vocabulary().size(),
                model.labels().size(), model.labels().words());
        if (!history.isEmpty() && devData != null) {
            out.printf(Locale.ROOT, "dev accuracy %.2f%%%n", 100 * history.get(history.size() - 1).devAccuracy());
        }
        out.println("wrote " + this.out + (plotted ? " and " + plotFile : ""));
        return 0;
    }

    /**
     * Draws the plot; where Java cannot draw (a runtime without the java.desktop module, or without the
     * fonts AWT needs, as on a bare GPU server) says so and goes on: the model is already saved, and it is
     * what the user trained for. A file that cannot be written is still an error.
     */
    private boolean writePlot(List<LangIdTraining.Epoch> history, Path file) throws IOException {
        try {
            Plot.write(history, file, force);
            return true;
        } catch (VirtualMachineError e) {
            throw e;
        } catch (RuntimeException | Error e) {
            System.err.println("warning: no plot written (this Java cannot draw: " + e + "); use --no-plot to "
                    + "skip it");
            return false;
        }
    }

    /** Even with --force, the model or plot must not be written over the data it is trained on. */
    private static void refuseToReplaceInput(Path output, String option, Path input) throws IOException {
        if (input != null && Files.exists(input) && Files.exists(output) && Files.isSameFile(output, input)) {
            throw new IllegalArgumentException(output + " is the " + option + " file; refusing to write over it");
        }
    }

    static Path plotPath(Path model) {
        String name = model.getFileName().toString();
        String stem = name.endsWith(".safetensors") ? name.substring(0, name.length() - ".safetensors".length()) : name;
        Path parent = model.toAbsolutePath().getParent();
        return parent.resolve(stem + ".png");
    }

    private void reportSkipped(Corpus... corpora) {
        for (Corpus c : corpora) {
            if (c != null && c.skippedLines() > 0) {
                System.err.println("skipped " + c.skippedLines() + " bad line(s), e.g. " + c.problems().get(0));
            }
        }
    }

    static Corpus bundled(String resource) throws IOException {
        try (InputStream in = TrainCommand.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("the bundled corpus " + resource + " is missing from the jar");
            }
            return Corpus.read("bundled " + Paths.get(resource).getFileName(), in, false);
        }
    }

    static SparseTrainer.Algorithm parseAlgorithm(String name) {
        try {
            return SparseTrainer.Algorithm.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--optimizer must be sgd, adagrad, adam or rmsprop, got '" + name + "'");
        }
    }

    static Tokenizer.Mode parseTokenizer(String name) {
        try {
            return Tokenizer.Mode.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--tokenizer must be words or split, got '" + name + "'");
        }
    }
}
