package dlblocks.optim;

import dlblocks.tensor.Tensor;

/**
 * {@code optim.RMSprop}, the other optimiser the tutorial recommends. Per step, as
 * {@code torch.optim.RMSprop} computes it:
 *
 * <pre>
 * g = ∇θL (+ weight_decay·θ)
 * s = α·s + (1 − α)·g²                        running mean of squares
 * centered:  a = α·a + (1 − α)·g;  avg = √(s − a²) + ε      otherwise  avg = √s + ε
 * momentum:  b = momentum·b + g/avg;  θ = θ − lr·b          otherwise  θ = θ − lr·g/avg
 * </pre>
 */
public class RMSprop extends Optimizer {
    /** RMSprop's options with torch's defaults. */
    public static final class Options {
        double lr = 1e-2;
        double alpha = 0.99;
        double eps = 1e-8;
        double weightDecay;
        double momentum;
        boolean centered;
        boolean maximize;

        public Options lr(double v) { lr = v; return this; }
        public Options alpha(double v) { alpha = v; return this; }
        public Options eps(double v) { eps = v; return this; }
        public Options weightDecay(double v) { weightDecay = v; return this; }
        public Options momentum(double v) { momentum = v; return this; }
        public Options centered(boolean v) { centered = v; return this; }
        public Options maximize(boolean v) { maximize = v; return this; }
    }

    private final Options o;
    private final Tensor[] squareAvg;
    private final Tensor[] gradAvg;
    private final Tensor[] momentumBuffer;

    public RMSprop(Iterable<? extends Tensor> params) {
        this(params, new Options());
    }

    public RMSprop(Iterable<? extends Tensor> params, Options options) {
        super(params);
        nonNegative("learning rate", options.lr);
        nonNegative("epsilon value", options.eps);
        nonNegative("momentum value", options.momentum);
        nonNegative("weight_decay value", options.weightDecay);
        nonNegative("alpha value", options.alpha);
        this.o = options;
        int n = this.params.size();
        squareAvg = new Tensor[n];
        gradAvg = new Tensor[n];
        momentumBuffer = new Tensor[n];
    }

    @Override
    protected void update(int i, Tensor param, Tensor grad) {
        if (squareAvg[i] == null) {
            squareAvg[i] = state(param);
            gradAvg[i] = o.centered ? state(param) : null;
            momentumBuffer[i] = o.momentum > 0 ? state(param) : null;
        }
        Tensor g = o.maximize ? grad.neg() : grad;
        if (o.weightDecay != 0) {
            g = g.add(param, o.weightDecay);
        }
        squareAvg[i].mul_(o.alpha).addcmul_(g, g, 1 - o.alpha);
        Tensor avg;
        if (o.centered) {
            gradAvg[i].mul_(o.alpha).add_(g, 1 - o.alpha);
            avg = squareAvg[i].clone().addcmul_(gradAvg[i], gradAvg[i], -1).sqrt_();
        } else {
            avg = squareAvg[i].sqrt();
        }
        avg.add_(o.eps);
        if (o.momentum > 0) {
            momentumBuffer[i].mul_(o.momentum).addcdiv_(g, avg, 1);
            param.add_(momentumBuffer[i], -o.lr);
        } else {
            param.addcdiv_(g, avg, -o.lr);
        }
    }
}
