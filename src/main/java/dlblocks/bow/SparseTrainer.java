package dlblocks.bow;

import dlblocks.optim.Adagrad;
import dlblocks.optim.Adam;
import dlblocks.optim.Optimizer;
import dlblocks.optim.RMSprop;
import dlblocks.optim.SGD;
import dlblocks.tensor.CpuStorage;
import dlblocks.tensor.Device;
import dlblocks.tensor.Tensor;

/**
 * The fast path for training a {@link BoWClassifier}: mini-batches of sparse BoW rows, a forward and
 * backward pass that touch only the words present, and SGD or Adagrad updates of only those words'
 * weights.
 *
 * <p>It performs the very float32 operations of the dense reference path — {@code model.forward} on the
 * stacked dense vectors, mean {@code NLLLoss}, {@code backward()}, {@code optimizer.step()} — in the same
 * order, skipping only terms that are provably exact no-ops: adding 0·w = ±0 to a sum, and updating a
 * weight whose gradient is 0 (θ − lr·0 = θ; for Adagrad also s + 0² = s). So for finite parameters its
 * results equal the dense path's bit for bit, which {@code SparseTrainerProperties} checks.
 *
 * <p>Plain SGD and Adagrad (without weight decay, whose gradient is dense) use the sparse update. Any
 * other optimiser (Adam, RMSprop, SGD with momentum or weight decay) gets the gradient as dense tensors
 * and takes its ordinary dense step: slower, but the same as the dense path.
 */
public final class SparseTrainer {
    /** The optimisers the command line offers. */
    public enum Algorithm { SGD, ADAGRAD, ADAM, RMSPROP }

    private final BoWClassifier model;
    private final Algorithm algorithm;
    private final double lr;
    private final int classes;
    private final int vocab;
    private final Optimizer dense;
    private final boolean sparseUpdate;
    // Adagrad's accumulated squares (C × V, as the weight) and bias squares, and its step count.
    private final float[] sumW;
    private final float[] sumB;
    // Work space kept between steps: the weight gradient (zero except at the ids of the current batch),
    // which ids the batch touched, and the list of them.
    private final float[] gradW;
    private final boolean[] touched;
    private final int[] present;

    /** A trainer for {@code model} (on the CPU) with the given optimiser and learning rate. */
    public SparseTrainer(BoWClassifier model, Algorithm algorithm, double lr) {
        if (!model.linear.weight.device().equals(Device.CPU)) {
            throw new IllegalArgumentException("the sparse path runs on the CPU; the model is on "
                    + model.linear.weight.device());
        }
        this.model = model;
        this.algorithm = algorithm;
        this.lr = lr;
        this.classes = model.linear.outFeatures();
        this.vocab = model.linear.inFeatures();
        this.dense = create(algorithm, model, lr);
        this.sparseUpdate = algorithm == Algorithm.SGD || algorithm == Algorithm.ADAGRAD;
        this.sumW = algorithm == Algorithm.ADAGRAD ? new float[classes * vocab] : null;
        this.sumB = algorithm == Algorithm.ADAGRAD ? new float[classes] : null;
        this.gradW = new float[classes * vocab];
        this.touched = new boolean[vocab];
        this.present = new int[vocab];
    }

    /** The dense optimiser the same settings give: {@code optim.SGD(params, lr)} and so on. */
    public static Optimizer create(Algorithm algorithm, BoWClassifier model, double lr) {
        switch (algorithm) {
            case SGD: return new SGD(model.parameters(), lr);
            case ADAGRAD: return new Adagrad(model.parameters(), new Adagrad.Options().lr(lr));
            case ADAM: return new Adam(model.parameters(), new Adam.Options().lr(lr));
            default: return new RMSprop(model.parameters(), new RMSprop.Options().lr(lr));
        }
    }

    public Algorithm algorithm() {
        return algorithm;
    }

    /**
     * One optimiser step on the rows {@code order[from..to)} of {@code x} with class indices
     * {@code labels[row]}: mean NLL of log Softmax(x·Wᵀ + b). Returns the batch's mean loss.
     */
    public float step(SparseBatch x, int[] labels, int[] order, int from, int to) {
        float[] w = floats(model.linear.weight);
        float[] b = floats(model.linear.bias);
        int n = to - from;
        float[] logProbs = new float[n * classes];
        for (int i = 0; i < n; i++) {
            logSoftmaxRow(x, order[from + i], w, b, classes, vocab, logProbs, i * classes);
        }
        // Mean NLL: ℓ = −(Σᵢ log pᵢ[yᵢ]) / n, and ∂ℓ/∂log pᵢ[yᵢ] = −1/n (rounded to float32 as PyTorch's 1/n).
        float inverse = (float) (1.0 / n);
        float sum = 0;
        float[] gLogits = new float[n * classes];
        for (int i = 0; i < n; i++) {
            int y = labels[order[from + i]];
            sum += -logProbs[i * classes + y];
            // log-softmax backward: ∂L/∂logitᵢ = g − exp(log p)·Σg, with g = −1/n at yᵢ and 0 elsewhere.
            float rowSum = -inverse;
            for (int c = 0; c < classes; c++) {
                float g = c == y ? -inverse : 0f;
                gLogits[i * classes + c] = g - (float) StrictMath.exp(logProbs[i * classes + c]) * rowSum;
            }
        }
        float loss = sum / (float) n;
        if (sparseUpdate) {
            sparseStep(x, order, from, n, gLogits, w, b);
        } else {
            denseStep(x, order, from, n, gLogits);
        }
        return loss;
    }

    /** log Softmax(x·Wᵀ + b) of one row into out[at..at+C), as the dense path rounds each step. */
    private static void logSoftmaxRow(SparseBatch x, int row, float[] w, float[] b, int classes, int vocab,
                                      float[] out, int at) {
        float max = Float.NEGATIVE_INFINITY;
        for (int c = 0; c < classes; c++) {
            float acc = 0;
            for (int k = x.rowStart(row); k < x.rowEnd(row); k++) {
                acc += x.count(k) * w[c * vocab + x.id(k)];
            }
            float logit = acc + b[c];
            out[at + c] = logit;
            if (logit > max || Float.isNaN(logit)) max = logit;
        }
        float sum = 0;
        for (int c = 0; c < classes; c++) {
            out[at + c] -= max;
            sum += (float) StrictMath.exp(out[at + c]);
        }
        float logSum = (float) StrictMath.log(sum);
        for (int c = 0; c < classes; c++) {
            out[at + c] -= logSum;
        }
    }

    /**
     * ∂L/∂W[c][id] = Σᵢ ∂L/∂logitᵢ[c]·xᵢ[id] (over the batch, in row order) for the ids present, then the
     * update of those weights only; the bias is updated densely.
     */
    private void sparseStep(SparseBatch x, int[] order, int from, int n, float[] gLogits, float[] w, float[] b) {
        double clr = lr; // Adagrad's lr_decay is 0 here, so its clr = lr / (1 + (t − 1)·0) = lr.
        int count = 0;
        for (int i = 0; i < n; i++) {
            int row = order[from + i];
            for (int k = x.rowStart(row); k < x.rowEnd(row); k++) {
                int id = x.id(k);
                if (!touched[id]) {
                    touched[id] = true;
                    present[count++] = id;
                }
                for (int c = 0; c < classes; c++) {
                    gradW[c * vocab + id] += gLogits[i * classes + c] * x.count(k);
                }
            }
        }
        for (int c = 0; c < classes; c++) {
            float gb = 0;
            for (int i = 0; i < n; i++) {
                gb += gLogits[i * classes + c];
            }
            b[c] = update(b[c], gb, sumB, c, clr);
            for (int p = 0; p < count; p++) {
                int at = c * vocab + present[p];
                w[at] = update(w[at], gradW[at], sumW, at, clr);
                gradW[at] = 0;
            }
        }
        for (int p = 0; p < count; p++) {
            touched[present[p]] = false;
        }
    }

    /** θ ← θ − lr·g (SGD) or s ← s + g², θ ← θ + (−lr·g)/(√s + ε) (Adagrad), rounded as the dense step. */
    private float update(float theta, float g, float[] sums, int at, double clr) {
        if (algorithm == Algorithm.SGD) {
            return Math.fma((float) -lr, g, theta); // θ + (−lr)·g rounded once, as add_(g, alpha=−lr)
        }
        float s = sums[at] + g * g;
        sums[at] = s;
        float std = (float) Math.sqrt(s) + (float) 1e-10;
        return theta + (g * (float) -clr) / std;
    }

    /** Builds the dense gradients from the sparse ones and lets the dense optimiser step. */
    private void denseStep(SparseBatch x, int[] order, int from, int n, float[] gLogits) {
        float[] gradW = new float[classes * vocab]; // a fresh array: it becomes the weight's .grad
        float[] gradB = new float[classes];
        for (int i = 0; i < n; i++) {
            int row = order[from + i];
            for (int k = x.rowStart(row); k < x.rowEnd(row); k++) {
                for (int c = 0; c < classes; c++) {
                    gradW[c * vocab + x.id(k)] += gLogits[i * classes + c] * x.count(k);
                }
            }
        }
        for (int c = 0; c < classes; c++) {
            for (int i = 0; i < n; i++) {
                gradB[c] += gLogits[i * classes + c];
            }
        }
        model.linear.weight.setGrad(Tensor.fromFloats(gradW, classes, vocab));
        model.linear.bias.setGrad(Tensor.fromFloats(gradB, classes));
        dense.step();
        dense.zeroGrad();
    }

    /** log-probabilities of every row of x: (rows, C), without any graph. */
    public static Tensor logProbs(BoWClassifier model, SparseBatch x) {
        int classes = model.linear.outFeatures();
        float[] w = floats(model.linear.weight.detach().cpu());
        float[] b = floats(model.linear.bias.detach().cpu());
        float[] out = new float[x.rows() * classes];
        for (int r = 0; r < x.rows(); r++) {
            logSoftmaxRow(x, r, w, b, classes, model.linear.inFeatures(), out, r * classes);
        }
        return Tensor.fromFloats(out, x.rows(), classes);
    }

    private static float[] floats(Tensor p) {
        return ((CpuStorage) p.storage()).floatArray();
    }
}
