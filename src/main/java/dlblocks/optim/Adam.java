package dlblocks.optim;

import dlblocks.tensor.Tensor;

/**
 * {@code optim.Adam}, one of the optimisers the tutorial recommends. Per step t (from 1), as
 * {@code torch.optim.Adam} computes it:
 *
 * <pre>
 * g = ∇θL (+ weight_decay·θ)
 * m = β₁·m + (1 − β₁)·g                    first moment
 * v = β₂·v + (1 − β₂)·g²                   second moment (v̂ = max(v̂, v) with amsgrad)
 * θ = θ − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
 * </pre>
 */
public class Adam extends Optimizer {
    /** Adam's options with torch's defaults. */
    public static final class Options {
        double lr = 1e-3;
        double beta1 = 0.9;
        double beta2 = 0.999;
        double eps = 1e-8;
        double weightDecay;
        boolean amsgrad;
        boolean maximize;

        public Options lr(double v) { lr = v; return this; }
        public Options betas(double b1, double b2) { beta1 = b1; beta2 = b2; return this; }
        public Options eps(double v) { eps = v; return this; }
        public Options weightDecay(double v) { weightDecay = v; return this; }
        public Options amsgrad(boolean v) { amsgrad = v; return this; }
        public Options maximize(boolean v) { maximize = v; return this; }
    }

    private final Options o;
    private final Tensor[] expAvg;
    private final Tensor[] expAvgSq;
    private final Tensor[] maxExpAvgSq;
    private final int[] steps;

    public Adam(Iterable<? extends Tensor> params) {
        this(params, new Options());
    }

    public Adam(Iterable<? extends Tensor> params, Options options) {
        super(params);
        nonNegative("learning rate", options.lr);
        nonNegative("epsilon value", options.eps);
        unitInterval("beta parameter at index 0", options.beta1);
        unitInterval("beta parameter at index 1", options.beta2);
        nonNegative("weight_decay value", options.weightDecay);
        this.o = options;
        int n = this.params.size();
        expAvg = new Tensor[n];
        expAvgSq = new Tensor[n];
        maxExpAvgSq = new Tensor[n];
        steps = new int[n];
    }

    @Override
    protected void update(int i, Tensor param, Tensor grad) {
        if (expAvg[i] == null) {
            expAvg[i] = state(param);
            expAvgSq[i] = state(param);
            maxExpAvgSq[i] = o.amsgrad ? state(param) : null;
        }
        int step = ++steps[i];
        Tensor g = o.maximize ? grad.neg() : grad;
        if (o.weightDecay != 0) {
            g = g.add(param, o.weightDecay);
        }
        expAvg[i].mul_(o.beta1).add_(g, 1 - o.beta1);
        expAvgSq[i].mul_(o.beta2).addcmul_(g, g, 1 - o.beta2);
        double biasCorrection1 = 1 - Math.pow(o.beta1, step);
        double biasCorrection2 = 1 - Math.pow(o.beta2, step);
        double stepSize = o.lr / biasCorrection1;
        double biasCorrection2Sqrt = Math.sqrt(biasCorrection2);
        Tensor second = expAvgSq[i];
        if (o.amsgrad) {
            second = maxExpAvgSq[i].maximum_(expAvgSq[i]);
        }
        Tensor denom = second.sqrt().div(biasCorrection2Sqrt).add_(o.eps);
        param.addcdiv_(expAvg[i], denom, -stepSize);
    }
}
