package dlblocks.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dlblocks.bow.LangIdModel;
import dlblocks.spec.Spec;
import dlblocks.tensor.Backends;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code dlblocks train --device cuda} with each optimiser: it trains (the dense reference path, on the
 * GPU), writes a model that loads on the CPU, and that model predicts what the CPU-trained one predicts.
 * Runs where CUDA is available (a GPU, or the build's emulated driver); skipped, with the reason, elsewhere.
 */
class CudaTrainCommandTest {
    @ParameterizedTest
    @ValueSource(strings = {"sgd", "adagrad", "adam", "rmsprop"})
    @Spec("CUDA-TRAIN-COMMAND-TRACKS-CPU")
    void trainingOnCudaGivesAModelThatPredictsWhatTheCpuTrainedOnePredicts(String optimizer, @TempDir Path dir)
            throws IOException {
        assumeTrue(Backends.cudaIsAvailable(), () -> "CUDA is not available: " + Backends.cudaUnavailableReason());
        List<LangIdModel.Prediction> cpu = trainAndPredict(dir, "cpu", optimizer);
        List<LangIdModel.Prediction> cuda = trainAndPredict(dir, "cuda", optimizer);
        assertTrue(new HashSet<>(labels(cpu)).size() > 1, optimizer + ": the CPU model learned something to agree "
                + "with: " + labels(cpu));
        assertEquals(labels(cpu), labels(cuda), optimizer + ": predicted languages of the dev sentences");
    }

    private static List<LangIdModel.Prediction> trainAndPredict(Path dir, String device, String optimizer)
            throws IOException {
        Path model = dir.resolve(device + ".safetensors");
        String[] args = TrainCommandTest.trainArgs(dir, model.getFileName().toString(), "--device", device,
                "--optimizer", optimizer, "--batch-size", "4", "--no-plot");
        Cli.run(args).assertSucceeded();
        List<String> texts = new ArrayList<>();
        for (String line : Cli.DEV.split("\n")) {
            texts.add(line.substring(line.indexOf('\t') + 1));
        }
        return LangIdModel.load(model).predict(texts);
    }

    private static List<String> labels(List<LangIdModel.Prediction> predictions) {
        return predictions.stream().map(LangIdModel.Prediction::label).toList();
    }
}
