package dlblocks.verification;

import static dlblocks.verification.TorchGolden.*;

import dlblocks.affine.Linear;
import dlblocks.loss.NLLLoss;
import dlblocks.optim.*;
import dlblocks.random.Generator;
import dlblocks.softmax.Softmax;
import dlblocks.tensor.Tensor;
import java.util.*;
import org.junit.jupiter.api.Test;

class ExploreOptimTest {
    static double d(double[] e, double[] a) {
        double scale = 0, m = 0;
        for (double v : e) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < e.length; i++) m = Math.max(m, Math.abs(e[i] - a[i]));
        return m / (0x1p-24 * scale);
    }
    static Optimizer make(String kind, Map<String,Object> o, List<? extends Tensor> ps) {
        switch (kind) {
            case "SGD": { SGD.Options x = new SGD.Options().lr(num(o.get("lr")));
                if (o.containsKey("momentum")) x.momentum(num(o.get("momentum")));
                if (o.containsKey("dampening")) x.dampening(num(o.get("dampening")));
                if (o.containsKey("weight_decay")) x.weightDecay(num(o.get("weight_decay")));
                if (o.containsKey("nesterov")) x.nesterov((Boolean) o.get("nesterov"));
                return new SGD(ps, x); }
            case "Adam": { Adam.Options x = new Adam.Options();
                if (o.containsKey("lr")) x.lr(num(o.get("lr")));
                if (o.containsKey("betas")) { List<Object> b = list(o.get("betas")); x.betas(num(b.get(0)), num(b.get(1))); }
                if (o.containsKey("eps")) x.eps(num(o.get("eps")));
                if (o.containsKey("weight_decay")) x.weightDecay(num(o.get("weight_decay")));
                if (o.containsKey("amsgrad")) x.amsgrad((Boolean) o.get("amsgrad"));
                return new Adam(ps, x); }
            case "RMSprop": { RMSprop.Options x = new RMSprop.Options();
                if (o.containsKey("lr")) x.lr(num(o.get("lr")));
                if (o.containsKey("alpha")) x.alpha(num(o.get("alpha")));
                if (o.containsKey("eps")) x.eps(num(o.get("eps")));
                if (o.containsKey("weight_decay")) x.weightDecay(num(o.get("weight_decay")));
                if (o.containsKey("momentum")) x.momentum(num(o.get("momentum")));
                if (o.containsKey("centered")) x.centered((Boolean) o.get("centered"));
                return new RMSprop(ps, x); }
            default: { Adagrad.Options x = new Adagrad.Options();
                if (o.containsKey("lr")) x.lr(num(o.get("lr")));
                if (o.containsKey("lr_decay")) x.lrDecay(num(o.get("lr_decay")));
                if (o.containsKey("eps")) x.eps(num(o.get("eps")));
                if (o.containsKey("weight_decay")) x.weightDecay(num(o.get("weight_decay")));
                if (o.containsKey("initial_accumulator_value")) x.initialAccumulatorValue(num(o.get("initial_accumulator_value")));
                return new Adagrad(ps, x); }
        }
    }
    @Test
    void explore() {
        Map<String,Object> f = load("optim.json");
        Map<String,Object> model = map(f.get("model"));
        Tensor batch = tensor(map(f.get("batch"))), target = tensor(map(f.get("target")));
        for (Map<String,Object> c : cases(f)) {
            Linear lin = new Linear(4, 3, true, new Generator(0));
            if (!Arrays.equals(values(map(model.get("weight"))), lin.weight.toDoubleArray())) System.out.println("INIT W differs");
            Optimizer opt = make((String) c.get("optimizer"), map(c.get("options")), lin.parameters());
            StringBuilder sb = new StringBuilder(c.get("id") + ":");
            int s = 0; double worst = 0, worstG = 0, worstL = 0;
            for (Object o : list(c.get("steps"))) {
                s++;
                Map<String,Object> st = map(o);
                opt.zeroGrad();
                Tensor loss = new NLLLoss().forward(Softmax.logSoftmax(lin.forward(batch), 1), target);
                loss.backward();
                Map<String,Object> g = map(st.get("grads"));
                worstG = Math.max(worstG, Math.max(d(values(map(g.get("weight"))), lin.weight.grad().toDoubleArray()), d(values(map(g.get("bias"))), lin.bias.grad().toDoubleArray())));
                worstL = Math.max(worstL, d(values(map(st.get("loss"))), loss.toDoubleArray()));
                opt.step();
                double dw = d(values(map(st.get("weight"))), lin.weight.toDoubleArray());
                double db = d(values(map(st.get("bias"))), lin.bias.toDoubleArray());
                worst = Math.max(worst, Math.max(dw, db) / s);
                if (s == 1 || s == 20) sb.append(String.format(" step%d w=%.2f b=%.2f", s, dw, db));
            }
            System.out.println(sb + String.format(" | max(err/step)=%.2f maxGrad=%.2f maxLoss=%.2f", worst, worstG, worstL));
        }
    }
}
