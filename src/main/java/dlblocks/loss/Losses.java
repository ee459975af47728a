package dlblocks.loss;

import dlblocks.autograd.Function;
import dlblocks.softmax.Softmax;
import dlblocks.tensor.DType;
import dlblocks.tensor.Devices;
import dlblocks.tensor.Indexing;
import dlblocks.tensor.Shape;
import dlblocks.tensor.Tensor;

/**
 * The tutorial's objective functions, {@code F.nll_loss} and {@code F.cross_entropy}: for supervised
 * multi-class classification, the negative log probability of the correct class.
 */
public final class Losses {
    /** PyTorch's default {@code ignore_index}. */
    public static final int DEFAULT_IGNORE_INDEX = -100;

    private Losses() {
    }

    /** {@code F.nll_loss(input, target)}: the mean of −input[i, target[i]]. */
    public static Tensor nllLoss(Tensor input, Tensor target) {
        return nllLoss(input, target, null, Reduction.MEAN, DEFAULT_IGNORE_INDEX);
    }

    /**
     * {@code F.nll_loss(input, target, weight, ignore_index=…, reduction=…)}. {@code input} holds
     * log-probabilities, (N, C) or (C); {@code target} holds class indices (int64), (N) or 0-d.
     * Example i's loss is ℓᵢ = −wᵢ·input[i, yᵢ] with wᵢ = weight[yᵢ] (1 without weights) and wᵢ = 0
     * where yᵢ = ignoreIndex. MEAN divides Σℓᵢ by Σwᵢ (so all-ignored gives NaN, as in PyTorch).
     * The only non-zero gradient is ∂L/∂input[i, yᵢ] = −wᵢ (÷ Σwᵢ for MEAN).
     */
    public static Tensor nllLoss(Tensor input, Tensor target, Tensor weight, Reduction reduction, long ignoreIndex) {
        Devices.same(input, target);
        if (weight != null) {
            Devices.same(input, weight);
        }
        boolean single = input.dim() == 1;
        Tensor x = single ? input.unsqueeze(0) : input;
        Tensor y = single ? target.reshape(1) : target;
        checkShapes(input, target, x, y, weight);
        int classes = x.size(1);
        long[] labels = y.toLongArray();
        double[] w = classWeights(weight, classes);
        long[] safe = new long[labels.length];
        double[] exampleWeights = new double[labels.length];
        boolean anyIgnored = false;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] == ignoreIndex) {
                anyIgnored = true;
                continue; // weight 0, and any valid index (0) to gather from
            }
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IndexOutOfBoundsException("Target " + labels[i] + " is out of bounds: there are " + classes
                        + " classes, so a target must lie in [0, " + (classes - 1) + "] or equal ignore_index ("
                        + ignoreIndex + ")");
            }
            safe[i] = labels[i];
            exampleWeights[i] = w[(int) labels[i]];
        }
        // With no ignored example the checked labels are the targets themselves: no new index to send to a GPU.
        Tensor index = anyIgnored ? Tensor.fromLongs(DType.INT64, safe, labels.length, 1).to(x.device())
                : y.view(labels.length, 1);
        // Without class weights or ignored examples every wᵢ is 1, and then ℓᵢ = −input[i, yᵢ] and Σwᵢ = N
        // exactly (x·1 = x in floating point, and N < 2^24 is exact in float32): the same numbers with three
        // fewer steps, each a kernel launch on a GPU.
        boolean unweighted = weight == null && !anyIgnored;
        Tensor wi = unweighted ? null : Tensor.fromDoubles(x.dtype(), exampleWeights, labels.length).to(x.device());
        // PyTorch writes +0 as an ignored example's loss, where −(x·0) would carry x's sign. Adding +0 there
        // and −0 elsewhere (which changes no value, not even a zero's sign) gives exactly that; with no
        // ignored example, the addition would change nothing and is skipped.
        Tensor ignoredToPlusZero = anyIgnored ? signedZeros(labels, ignoreIndex, x) : null;
        Tensor[] denominator = new Tensor[1];
        Tensor loss = Function.apply("NllLossBackward0",
                () -> {
                    // index holds the checked labels (0 for ignored ones): in range, so the GPU need not be asked
                    Tensor picked = Indexing.gatherKnownInRange(x, 1, index).view(labels.length);
                    Tensor perExample = (unweighted ? picked : picked.mul(wi)).neg();
                    if (ignoredToPlusZero != null) {
                        perExample = perExample.add(ignoredToPlusZero);
                    }
                    switch (reduction) {
                        case NONE: return perExample;
                        case SUM: return perExample.sum();
                        default:
                            if (unweighted) {
                                return perExample.sum().div(labels.length);
                            }
                            denominator[0] = wi.sum();
                            return perExample.sum().div(denominator[0]);
                    }
                },
                g -> {
                    // ∂L/∂ℓᵢ is g (NONE: gᵢ), g (SUM) or g/Σw (MEAN); ∂ℓᵢ/∂input[i, yᵢ] = −wᵢ.
                    Tensor coefficient;
                    if (unweighted) {
                        // −(g/N) as g/(−N), one step: rounding is symmetric about 0, so the two are equal.
                        // One number broadcast to every example (expand returns a tensor already of N
                        // elements as it is; for one example, view it: no copy).
                        Tensor negated = reduction == Reduction.MEAN ? g.div(-labels.length) : g.neg();
                        coefficient = (labels.length == 1 ? negated : negated.expand(labels.length))
                                .view(labels.length, 1);
                    } else {
                        Tensor perExample = reduction == Reduction.MEAN ? g.div(denominator[0]) : g;
                        coefficient = wi.mul(perExample).neg().view(labels.length, 1);
                    }
                    // An ignored example gets no gradient, as in PyTorch, even when the mean divides by a
                    // total weight of 0 (where wᵢ·(g/0) would be 0·∞ = NaN).
                    for (int i = 0; i < labels.length; i++) {
                        if (labels[i] == ignoreIndex) {
                            coefficient.put_(i, 0);
                        }
                    }
                    return new Tensor[] {Indexing.scatterAddKnownInRange(x.shape(), 1, index, coefficient)};
                },
                x);
        return single && reduction == Reduction.NONE ? loss.view() : loss;
    }

    /** +0 for each ignored example, −0 for the others, on x's device and in its dtype. */
    private static Tensor signedZeros(long[] labels, long ignoreIndex, Tensor x) {
        double[] zeros = new double[labels.length];
        for (int i = 0; i < labels.length; i++) {
            zeros[i] = labels[i] == ignoreIndex ? 0.0 : -0.0;
        }
        return Tensor.fromDoubles(x.dtype(), zeros, labels.length).to(x.device());
    }

    /** {@code F.cross_entropy(input, target)}: nllLoss(logSoftmax(input, 1), target). */
    public static Tensor crossEntropy(Tensor input, Tensor target) {
        return crossEntropy(input, target, null, Reduction.MEAN, DEFAULT_IGNORE_INDEX);
    }

    /**
     * {@code F.cross_entropy(...)}: the same as NLLLoss after a log-softmax over the class dimension —
     * "the same as NLLLoss(), except it does the log softmax for you".
     */
    public static Tensor crossEntropy(Tensor input, Tensor target, Tensor weight, Reduction reduction,
                                      long ignoreIndex) {
        return nllLoss(Softmax.logSoftmax(input, input.dim() == 1 ? 0 : 1), target, weight, reduction, ignoreIndex);
    }

    private static void checkShapes(Tensor input, Tensor target, Tensor x, Tensor y, Tensor weight) {
        if (input.dim() < 1 || input.dim() > 2) {
            throw new IllegalArgumentException("nll_loss: expected input of shape (C) or (N, C), got "
                    + Shape.str(input.shape()));
        }
        if (target.dtype() != DType.INT64) {
            throw new IllegalArgumentException("nll_loss: expected target of dtype int64 (class indices), got "
                    + target.dtype().torchName());
        }
        if (input.dim() == 1 ? target.dim() != 0 : target.dim() != 1) {
            throw new IllegalArgumentException("nll_loss: input of shape " + Shape.str(input.shape())
                    + " needs a target of shape " + (input.dim() == 1 ? "[] (0-d)" : "[" + input.size(0) + "]")
                    + ", got " + Shape.str(target.shape()));
        }
        if (x.size(0) != y.size(0)) {
            throw new IllegalArgumentException("Expected input batch_size (" + x.size(0)
                    + ") to match target batch_size (" + y.size(0) + ").");
        }
        if (weight != null && (weight.dim() != 1 || weight.size(0) != x.size(1))) {
            throw new IllegalArgumentException("weight tensor should be defined either for all " + x.size(1)
                    + " classes or no classes but got weight tensor of shape: " + Shape.str(weight.shape()));
        }
    }

    private static double[] classWeights(Tensor weight, int classes) {
        if (weight == null) {
            double[] ones = new double[classes];
            java.util.Arrays.fill(ones, 1);
            return ones;
        }
        return weight.toDoubleArray();
    }
}
