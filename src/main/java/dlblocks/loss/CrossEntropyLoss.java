package dlblocks.loss;

import dlblocks.tensor.Tensor;

/**
 * {@code nn.CrossEntropyLoss()}: "the same as NLLLoss(), except it does the log softmax for you" — its
 * input is raw scores (logits). Same options as {@link NLLLoss}.
 */
public class CrossEntropyLoss extends NLLLoss {
    @Override
    public Tensor forward(Tensor logits, Tensor target) {
        return Losses.crossEntropy(logits, target, weight(), reduction(), ignoreIndex());
    }
}
