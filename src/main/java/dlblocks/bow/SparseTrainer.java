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
    // For the sparse update the trainer keeps, per word, its C weights and (Adagrad) its C accumulated
    // squares side by side — words[id·stride + c] = W[c][id], words[id·stride + C + c] = s[c][id] — so that
    // one word's state shares a cache line. The model's W is brought up to date by syncModel().
    private final float[] words;
    private final int stride;
    private boolean modelCurrent = true;
    private final float[] biasSums;
    // Work space kept between steps: each word's slot in this batch's gradient rows (−1: absent).
    private final int[] slot;
    private int[] present = new int[64];
    private float[] gradRows = new float[64];

    /**
     * A trainer for {@code model} (on the CPU) with the given optimiser and learning rate. While it trains,
     * the trainer owns the weights: with SGD and Adagrad the model's weight matrix is brought up to date
     * only by {@link #syncModel()} (the bias always is), and changes made to it by other code are not seen.
     */
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
        this.stride = algorithm == Algorithm.ADAGRAD ? 2 * classes : classes;
        this.words = sparseUpdate ? wordMajor(floats(model.linear.weight), classes, vocab, stride) : null;
        this.biasSums = algorithm == Algorithm.ADAGRAD ? new float[classes] : null;
        this.slot = new int[vocab];
        java.util.Arrays.fill(slot, -1);
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

    /**
     * One optimiser step on the rows {@code order[from..to)} of {@code x} with class indices
     * {@code labels[row]}: mean NLL of log Softmax(x·Wᵀ + b). Returns the batch's mean loss.
     */
    public float step(SparseBatch x, int[] labels, int[] order, int from, int to) {
        float[] w = sparseUpdate ? words : wordMajor(floats(model.linear.weight), classes, vocab, classes);
        int wStride = sparseUpdate ? stride : classes;
        float[] b = floats(model.linear.bias);
        int n = to - from;
        float[] logProbs = new float[n * classes];
        for (int i = 0; i < n; i++) {
            logSoftmaxRow(x, order[from + i], w, wStride, b, classes, logProbs, i * classes);
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
            sparseStep(x, order, from, n, gLogits, b);
        } else {
            denseStep(x, order, from, n, gLogits);
        }
        return loss;
    }

    /**
     * log Softmax(x·Wᵀ + b) of one row into out[at..at+C), as the dense path rounds each step; w is
     * word-major (w[id·stride + c] = W[c][id]). Each logit still sums its terms in ascending word id.
     */
    private static void logSoftmaxRow(SparseBatch x, int row, float[] w, int stride, float[] b, int classes,
                                      float[] out, int at) {
        for (int c = 0; c < classes; c++) {
            out[at + c] = 0f;
        }
        for (int k = x.rowStart(row); k < x.rowEnd(row); k++) {
            float count = x.count(k);
            int base = x.id(k) * stride;
            for (int c = 0; c < classes; c++) {
                out[at + c] += count * w[base + c];
            }
        }
        float max = Float.NEGATIVE_INFINITY;
        for (int c = 0; c < classes; c++) {
            float logit = out[at + c] + b[c];
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
    private void sparseStep(SparseBatch x, int[] order, int from, int n, float[] gLogits, float[] b) {
        double clr = lr; // Adagrad's lr_decay is 0 here, so its clr = lr / (1 + (t − 1)·0) = lr.
        int count = 0;
        for (int i = 0; i < n; i++) {
            int row = order[from + i];
            for (int k = x.rowStart(row); k < x.rowEnd(row); k++) {
                int id = x.id(k);
                if (slot[id] < 0) {
                    if (count == present.length) {
                        present = java.util.Arrays.copyOf(present, 2 * count);
                    }
                    if ((count + 1) * classes > gradRows.length) {
                        gradRows = java.util.Arrays.copyOf(gradRows, 2 * (count + 1) * classes);
                    }
                    slot[id] = count;
                    present[count++] = id;
                    for (int c = 0; c < classes; c++) {
                        gradRows[slot[id] * classes + c] = 0f;
                    }
                }
                int g = slot[id] * classes;
                float cnt = x.count(k);
                for (int c = 0; c < classes; c++) {
                    gradRows[g + c] += gLogits[i * classes + c] * cnt;
                }
            }
        }
        for (int c = 0; c < classes; c++) {
            float gb = 0;
            for (int i = 0; i < n; i++) {
                gb += gLogits[i * classes + c];
            }
            b[c] = update(b[c], gb, biasSums, c, clr);
        }
        if (algorithm == Algorithm.SGD) {
            float negativeLr = (float) -lr;
            for (int p = 0; p < count; p++) {
                int base = present[p] * stride;
                for (int c = 0; c < classes; c++) {
                    // θ + (−lr)·g rounded once, as add_(g, alpha=−lr)
                    words[base + c] = Math.fma(negativeLr, gradRows[p * classes + c], words[base + c]);
                }
            }
        } else {
            adagradUpdate(count, clr);
        }
        for (int p = 0; p < count; p++) {
            slot[present[p]] = -1;
        }
        modelCurrent = false;
    }

    /**
     * Adagrad's update of the words present, s ← s + g², θ ← θ + (−lr·g)/(√s + ε), in three passes that
     * each touch one array, so that the square roots and divisions of different words overlap.
     */
    private void adagradUpdate(int count, double clr) {
        float negativeLr = (float) -clr;
        float eps = (float) 1e-10;
        for (int p = 0; p < count; p++) {
            int sums = present[p] * stride + classes;
            for (int c = 0; c < classes; c++) {
                float g = gradRows[p * classes + c];
                words[sums + c] += g * g;
            }
        }
        for (int p = 0; p < count; p++) {
            int sums = present[p] * stride + classes;
            for (int c = 0; c < classes; c++) {
                float std = (float) Math.sqrt(words[sums + c]) + eps;
                gradRows[p * classes + c] = (gradRows[p * classes + c] * negativeLr) / std;
            }
        }
        for (int p = 0; p < count; p++) {
            int base = present[p] * stride;
            for (int c = 0; c < classes; c++) {
                words[base + c] += gradRows[p * classes + c];
            }
        }
    }

    /** Copies the trained weights into the model (W[c][id] = words[id·stride + c]); cheap when nothing changed. */
    public void syncModel() {
        if (modelCurrent) {
            return;
        }
        float[] w = floats(model.linear.weight);
        for (int id = 0; id < vocab; id++) {
            for (int c = 0; c < classes; c++) {
                w[c * vocab + id] = words[id * stride + c];
            }
        }
        modelCurrent = true;
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
        float[] w = wordMajor(floats(model.linear.weight.detach().cpu()), classes, model.linear.inFeatures(), classes);
        float[] b = floats(model.linear.bias.detach().cpu());
        float[] out = new float[x.rows() * classes];
        for (int r = 0; r < x.rows(); r++) {
            logSoftmaxRow(x, r, w, classes, b, classes, out, r * classes);
        }
        return Tensor.fromFloats(out, x.rows(), classes);
    }

    /** W (C × V, as nn.Linear stores it) rearranged word-major: out[id·stride + c] = W[c][id], the rest 0. */
    private static float[] wordMajor(float[] weight, int classes, int vocab, int stride) {
        float[] out = new float[vocab * stride];
        for (int c = 0; c < classes; c++) {
            for (int id = 0; id < vocab; id++) {
                out[id * stride + c] = weight[c * vocab + id];
            }
        }
        return out;
    }

    private static float[] floats(Tensor p) {
        return ((CpuStorage) p.storage()).floatArray();
    }
}
