package dlblocks.loss;

import dlblocks.module.Module;
import dlblocks.tensor.Tensor;

/**
 * {@code nn.NLLLoss(weight=None, ignore_index=-100, reduction='mean')}: the negative log likelihood of
 * the correct class. Its input is a vector of log probabilities (the output of a log-softmax), not raw
 * scores. Options are set fluently: {@code new NLLLoss().reduction(Reduction.SUM).ignoreIndex(0)}.
 */
public class NLLLoss extends Module {
    private Tensor weight;
    private Reduction reduction = Reduction.MEAN;
    private long ignoreIndex = Losses.DEFAULT_IGNORE_INDEX;

    /** {@code loss_function(log_probs, target)}. */
    public Tensor forward(Tensor logProbs, Tensor target) {
        return Losses.nllLoss(logProbs, target, weight, reduction, ignoreIndex);
    }

    /** Per-class weights (a 1-D tensor of length C), or null for none. */
    public NLLLoss weight(Tensor classWeights) {
        this.weight = classWeights;
        return this;
    }

    public NLLLoss reduction(Reduction r) {
        this.reduction = r;
        return this;
    }

    /** Targets equal to this contribute neither loss nor gradient. */
    public NLLLoss ignoreIndex(long index) {
        this.ignoreIndex = index;
        return this;
    }

    Tensor weight() {
        return weight;
    }

    Reduction reduction() {
        return reduction;
    }

    long ignoreIndex() {
        return ignoreIndex;
    }
}
