package dlblocks.optim;

import dlblocks.tensor.Tensor;

/**
 * {@code optim.SGD}: the tutorial's update θ ← θ − η·∇θL, with PyTorch's options. Each step is the
 * same formula, in the same order, as {@code torch.optim.SGD} (PyTorch 1.13 and 2.x):
 *
 * <pre>
 * d = g (+ weight_decay·θ)
 * if momentum ≠ 0:  b = d on the first step, else b = momentum·b + (1 − dampening)·d
 *                   d = d + momentum·b if nesterov, else d = b
 * θ = θ − lr·d
 * </pre>
 */
public class SGD extends Optimizer {
    /** SGD's options, with torch's defaults (lr has none: it must be given). */
    public static final class Options {
        double lr = Double.NaN;
        double momentum;
        double dampening;
        double weightDecay;
        boolean nesterov;
        boolean maximize;

        public Options lr(double v) { lr = v; return this; }
        public Options momentum(double v) { momentum = v; return this; }
        public Options dampening(double v) { dampening = v; return this; }
        public Options weightDecay(double v) { weightDecay = v; return this; }
        public Options nesterov(boolean v) { nesterov = v; return this; }
        public Options maximize(boolean v) { maximize = v; return this; }
    }

    private final Options o;
    private final Tensor[] momentumBuffer;

    /** {@code optim.SGD(params, lr=lr)}. */
    public SGD(Iterable<? extends Tensor> params, double lr) {
        this(params, new Options().lr(lr));
    }

    /** {@code optim.SGD(params, lr=…, momentum=…, dampening=…, weight_decay=…, nesterov=…)}. */
    public SGD(Iterable<? extends Tensor> params, Options options) {
        super(params);
        if (Double.isNaN(options.lr)) {
            throw new IllegalArgumentException("SGD: the learning rate lr is required");
        }
        nonNegative("learning rate", options.lr);
        nonNegative("momentum value", options.momentum);
        nonNegative("weight_decay value", options.weightDecay);
        if (options.nesterov && (options.momentum <= 0 || options.dampening != 0)) {
            throw new IllegalArgumentException("Nesterov momentum requires a momentum and zero dampening");
        }
        this.o = options;
        this.momentumBuffer = new Tensor[this.params.size()];
    }

    @Override
    protected void update(int i, Tensor param, Tensor grad) {
        Tensor d = o.maximize ? grad.neg() : grad;
        if (o.weightDecay != 0) {
            d = d.add(param, o.weightDecay);
        }
        if (o.momentum != 0) {
            Tensor buf = momentumBuffer[i];
            if (buf == null) {
                buf = momentumBuffer[i] = state(param).copy_(d); // torch.clone(d_p)
            } else {
                buf.mul_(o.momentum).add_(d, 1 - o.dampening);
            }
            d = o.nesterov ? d.add(buf, o.momentum) : buf;
        }
        param.add_(d, -o.lr);
    }
}
