package dlblocks.verification;

import static dlblocks.verification.TorchGolden.*;

import dlblocks.tensor.Tensor;
import java.util.*;
import org.junit.jupiter.api.Test;

class ExploreTest {
    static String cmp(double[] e, double[] a) {
        if (e.length != a.length) return "LEN " + e.length + " vs " + a.length;
        long maxUlps = 0; double maxRel = 0; int nanBad = 0; double scale = 0;
        for (double v : e) if (Double.isFinite(v)) scale = Math.max(scale, Math.abs(v));
        int worst = -1;
        for (int i = 0; i < e.length; i++) {
            if (Double.isNaN(e[i]) || Double.isNaN(a[i])) { if (Double.isNaN(e[i]) != Double.isNaN(a[i])) nanBad++; continue; }
            if (e[i] == a[i]) continue;
            float fe = (float) e[i], fa = (float) a[i];
            int be = Float.floatToRawIntBits(fe), ba = Float.floatToRawIntBits(fa);
            long u = (be ^ ba) < 0 ? Math.abs((long) be) + Math.abs((long) ba) : Math.abs((long) be - ba);
            if ((be ^ ba) < 0) u = (be & 0x7fffffff) + (long)(ba & 0x7fffffff);
            if (u > maxUlps) { maxUlps = u; worst = i; }
            maxRel = Math.max(maxRel, Math.abs(e[i] - a[i]) / (0x1p-24 * scale));
        }
        if (maxUlps == 0 && nanBad == 0) return null;
        return String.format("ulps=%d (at %d: %s vs %s) absRel/u·max=%.2f nanBad=%d", maxUlps, worst,
            worst >= 0 ? e[worst] : 0, worst >= 0 ? a[worst] : 0, maxRel, nanBad);
    }

    @Test
    void explore() {
        for (String file : List.of("ops.json", "softmax.json", "losses.json")) {
            for (Map<String, Object> c : cases(load(file))) {
                String id = (String) c.get("id"), op = (String) c.get("op");
                try {
                    Map<String, Tensor> in = inputs(c);
                    Map<String, Object> grads = c.containsKey("grads") ? map(c.get("grads")) : Map.of();
                    for (String k : grads.keySet()) in.get(k).requiresGrad_(true);
                    Tensor out;
                    if (op.equals("nn_linear")) {
                        Map<String, Object> args = map(c.get("args"));
                        dlblocks.affine.Linear lin = new dlblocks.affine.Linear(JavaOps.intArg(args, "in"), JavaOps.intArg(args, "out"), true, new dlblocks.random.Generator(JavaOps.intArg(args, "seed")));
                        Map<String, Object> m = map(c.get("module"));
                        String r = cmp(values(map(m.get("weight"))), lin.weight.toDoubleArray());
                        if (r != null) System.out.println(id + " init weight " + r);
                        out = lin.forward(in.get("x"));
                        out.backward(tensor(map(c.get("grad_output"))));
                        r = cmp(values(map(m.get("weight_grad"))), lin.weight.grad().toDoubleArray());
                        if (r != null) System.out.println(id + " weight_grad " + r);
                        r = cmp(values(map(m.get("bias_grad"))), lin.bias.grad().toDoubleArray());
                        if (r != null) System.out.println(id + " bias_grad " + r);
                    } else {
                        out = JavaOps.forward(op, map(c.get("args")), in);
                        if (c.containsKey("grad_output")) out.backward(tensor(map(c.get("grad_output"))));
                    }
                    Map<String,Object> eo = map(c.get("output"));
                    if (!Arrays.equals(ints(eo.get("shape")), out.shape())) System.out.println(id + " SHAPE " + eo.get("shape") + " vs " + Arrays.toString(out.shape()));
                    String r = cmp(values(eo), out.toDoubleArray());
                    if (r != null) System.out.println(id + " output " + r);
                    for (String k : grads.keySet()) {
                        if (grads.get(k) == null) continue;
                        Tensor g = in.get(k).grad();
                        r = g == null ? "NULL grad" : cmp(values(map(grads.get(k))), g.toDoubleArray());
                        if (r != null) System.out.println(id + " grad " + k + " " + r);
                    }
                } catch (RuntimeException ex) {
                    System.out.println(id + " EXC " + ex);
                }
            }
        }
    }
}
