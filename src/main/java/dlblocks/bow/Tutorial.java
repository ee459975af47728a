package dlblocks.bow;

import dlblocks.loss.NLLLoss;
import dlblocks.optim.SGD;
import dlblocks.tensor.Device;
import dlblocks.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/** The tutorial's data and its training loop, exactly as the tutorial runs them. */
public final class Tutorial {
    private Tutorial() {
    }

    /** The tutorial's four training sentences. */
    public static final List<Example> DATA = List.of(
            Example.of("me gusta comer en la cafeteria", "SPANISH"),
            Example.of("Give it to me", "ENGLISH"),
            Example.of("No creo que sea una buena idea", "SPANISH"),
            Example.of("No it is not a good idea to get lost at sea", "ENGLISH"));

    /** The tutorial's two test sentences. */
    public static final List<Example> TEST_DATA = List.of(
            Example.of("Yo creo que si", "SPANISH"),
            Example.of("it is lost on me", "ENGLISH"));

    /** {@code label_to_ix = {"SPANISH": 0, "ENGLISH": 1}}. */
    public static Vocabulary labelToIx() {
        return Vocabulary.of("SPANISH", "ENGLISH");
    }

    /** {@code word_to_ix} over {@code data + test_data}, in first-seen order. */
    public static Vocabulary wordToIx() {
        List<List<String>> sentences = new ArrayList<>();
        for (Example e : DATA) sentences.add(e.words());
        for (Example e : TEST_DATA) sentences.add(e.words());
        return Vocabulary.build(sentences);
    }

    /**
     * The tutorial's loop: for each epoch and each instance, zero the gradients, make the BoW vector and
     * target, run forward, compute NLLLoss, backpropagate and take one SGD step.
     */
    public static void train(BoWClassifier model, List<Example> data, Vocabulary wordToIx, Vocabulary labelToIx,
                             int epochs, double lr) {
        NLLLoss lossFunction = new NLLLoss();
        SGD optimizer = new SGD(model.parameters(), lr);
        Device device = model.linear.weight.device(); // the inputs go where the model is (a no-op on the CPU)
        for (int epoch = 0; epoch < epochs; epoch++) {
            for (Example instance : data) {
                model.zeroGrad();                                                   // Step 1
                Tensor bowVec = BagOfWords.makeBowVector(instance.words(), wordToIx).to(device);  // Step 2
                Tensor target = BagOfWords.makeTarget(instance.label(), labelToIx).to(device);
                Tensor logProbs = model.forward(bowVec);                            // Step 3
                Tensor loss = lossFunction.forward(logProbs, target);               // Step 4
                loss.backward();
                optimizer.step();
            }
        }
    }
}
