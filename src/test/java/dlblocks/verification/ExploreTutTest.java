package dlblocks.verification;

import static dlblocks.verification.TorchGolden.*;

import dlblocks.affine.Linear;
import dlblocks.bow.*;
import dlblocks.random.Generator;
import dlblocks.tensor.Tensor;
import java.util.*;
import org.junit.jupiter.api.Test;

class ExploreTutTest {
    @Test
    void explore() {
        Map<String,Object> f = load("tutorial_training.json");
        Generator.DEFAULT.manualSeed(1);
        new Linear(5, 3); Tensor.randn(2, 5); Tensor.randn(2, 2); Tensor.randn(5);
        Vocabulary w = Tutorial.wordToIx();
        BoWClassifier model = new BoWClassifier(2, w.size());
        System.out.println("init equal: " + Arrays.equals(values(map(map(f.get("initial")).get("weight"))), model.linear.weight.toDoubleArray()));
        int e = 0; double worst = 0; int exactEpochs = 0;
        for (Object o : list(f.get("epochs"))) {
            e++;
            Tutorial.train(model, Tutorial.DATA, w, Tutorial.labelToIx(), 1, 0.1);
            Map<String,Object> ep = map(o);
            double[] ew = values(map(ep.get("weight"))), aw = model.linear.weight.toDoubleArray();
            double[] eb = values(map(ep.get("bias"))), ab = model.linear.bias.toDoubleArray();
            double sc = 0, m = 0;
            for (double v : ew) sc = Math.max(sc, Math.abs(v));
            for (double v : eb) sc = Math.max(sc, Math.abs(v));
            for (int i = 0; i < ew.length; i++) m = Math.max(m, Math.abs(ew[i]-aw[i]));
            for (int i = 0; i < eb.length; i++) m = Math.max(m, Math.abs(eb[i]-ab[i]));
            if (m == 0) exactEpochs++;
            worst = Math.max(worst, m / (0x1p-24 * sc) / (4*e));
            if (e % 20 == 0 || e < 4) System.out.printf("epoch %d: max diff %.3g = %.2f u·max (scale %.3f)%n", e, m, m / (0x1p-24 * sc), sc);
        }
        System.out.println("exact epochs " + exactEpochs + " worst per step " + worst);
    }
}
