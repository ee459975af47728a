package dlblocks.bow;

import dlblocks.affine.Linear;
import dlblocks.module.Module;
import dlblocks.random.Generator;
import dlblocks.softmax.Softmax;
import dlblocks.tensor.Tensor;

/**
 * The tutorial's logistic-regression bag-of-words classifier: log Softmax(Ax + b). The affine map's
 * input size is the vocabulary size and its output size the number of labels; log-softmax has no
 * parameters, so {@link #linear}'s weight and bias are all the model learns.
 */
public class BoWClassifier extends Module {
    /** The affine map A, b: vocab_size → num_labels. */
    public final Linear linear;

    /** {@code BoWClassifier(num_labels, vocab_size)}. */
    public BoWClassifier(int numLabels, int vocabSize) {
        this(numLabels, vocabSize, Generator.DEFAULT);
    }

    public BoWClassifier(int numLabels, int vocabSize, Generator generator) {
        linear = new Linear(vocabSize, numLabels, true, generator);
    }

    /** {@code model(bow_vec)}: log probabilities over the labels, one row per input row. */
    public Tensor forward(Tensor bowVec) {
        return Softmax.logSoftmax(linear.forward(bowVec), 1);
    }
}
