package dlblocks.optim;

import dlblocks.tensor.Tensor;

/**
 * {@code optim.Adagrad}. Per step t (from 1), as {@code torch.optim.Adagrad} computes it for dense
 * gradients:
 *
 * <pre>
 * g = ∇θL (+ weight_decay·θ)
 * clr = lr / (1 + (t − 1)·lr_decay)
 * s = s + g²                       (s starts at initial_accumulator_value)
 * θ = θ − clr · g / (√s + ε)
 * </pre>
 */
public class Adagrad extends Optimizer {
    /** Adagrad's options with torch's defaults. */
    public static final class Options {
        double lr = 1e-2;
        double lrDecay;
        double weightDecay;
        double initialAccumulatorValue;
        double eps = 1e-10;
        boolean maximize;

        public Options lr(double v) { lr = v; return this; }
        public Options lrDecay(double v) { lrDecay = v; return this; }
        public Options weightDecay(double v) { weightDecay = v; return this; }
        public Options initialAccumulatorValue(double v) { initialAccumulatorValue = v; return this; }
        public Options eps(double v) { eps = v; return this; }
        public Options maximize(boolean v) { maximize = v; return this; }
    }

    private final Options o;
    private final Tensor[] stateSum;
    private final int[] steps;

    public Adagrad(Iterable<? extends Tensor> params) {
        this(params, new Options());
    }

    public Adagrad(Iterable<? extends Tensor> params, Options options) {
        super(params);
        nonNegative("learning rate", options.lr);
        nonNegative("lr_decay value", options.lrDecay);
        nonNegative("weight_decay value", options.weightDecay);
        nonNegative("initial_accumulator_value value", options.initialAccumulatorValue);
        nonNegative("epsilon value", options.eps);
        this.o = options;
        stateSum = new Tensor[this.params.size()];
        steps = new int[this.params.size()];
    }

    @Override
    protected void update(int i, Tensor param, Tensor grad) {
        if (stateSum[i] == null) {
            stateSum[i] = state(param).fill_(o.initialAccumulatorValue);
        }
        int step = ++steps[i];
        Tensor g = o.maximize ? grad.neg() : grad;
        if (o.weightDecay != 0) {
            g = g.add(param, o.weightDecay);
        }
        double clr = o.lr / (1 + (step - 1) * o.lrDecay);
        stateSum[i].addcmul_(g, g, 1);
        Tensor std = stateSum[i].sqrt().add_(o.eps);
        param.addcdiv_(g, std, -clr);
    }
}
