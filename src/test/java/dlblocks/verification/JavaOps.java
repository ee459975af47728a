package dlblocks.verification;

import static dlblocks.verification.TorchGolden.ints;
import static dlblocks.verification.TorchGolden.num;

import dlblocks.affine.Affine;
import dlblocks.loss.Losses;
import dlblocks.loss.Reduction;
import dlblocks.nonlinear.Nonlinear;
import dlblocks.softmax.Softmax;
import dlblocks.tensor.Tensor;
import java.util.Map;

/**
 * The dlblocks call for each op name of the golden files: the Java twin of the torch call that
 * {@code verification/torch_golden.py} recorded under that name.
 */
final class JavaOps {
    private JavaOps() {
    }

    static Tensor forward(String op, Map<String, Object> args, Map<String, Tensor> in) {
        Tensor a = in.get("a");
        Tensor b = in.get("b");
        Tensor x = in.get("x");
        switch (op) {
            case "add": return args.containsKey("alpha") ? a.add(b, num(args.get("alpha"))) : a.add(b);
            case "sub": return a.sub(b);
            case "mul": return a.mul(b);
            case "div": return a.div(b);
            case "maximum": return a.maximum(b);
            case "add_scalar": return x.add(num(args.get("value")));
            case "sub_scalar": return x.sub(num(args.get("value")));
            case "mul_scalar": return x.mul(num(args.get("value")));
            case "div_scalar": return x.div(num(args.get("value")));
            case "neg": return x.neg();
            case "exp": return x.exp();
            case "log": return x.log();
            case "sqrt": return x.sqrt();
            case "pow": return x.pow(num(args.get("exponent")));
            case "sum_all": return x.sum();
            case "mean_all": return x.mean();
            case "sum": return x.sum(dim(args), keepdim(args));
            case "mean": return x.mean(dim(args), keepdim(args));
            case "amax": return x.amax(dim(args), keepdim(args));
            case "mm": return a.mm(b);
            case "matmul": return a.matmul(b);
            case "transpose": return x.transpose(intArg(args, "dim0"), intArg(args, "dim1"));
            case "t": return x.t();
            case "select": return x.select(dim(args), intArg(args, "index"));
            case "view": return x.view(ints(args.get("shape")));
            case "reshape": return x.reshape(ints(args.get("shape")));
            case "unsqueeze": return x.unsqueeze(dim(args));
            case "squeeze": return x.squeeze(dim(args));
            case "expand": return x.expand(ints(args.get("shape")));
            case "gather": return x.gather(dim(args), in.get("index"));
            case "linear": return Affine.linear(x, in.get("weight"), in.get("bias"));
            case "relu": return Nonlinear.relu(x);
            case "tanh": return Nonlinear.tanh(x);
            case "sigmoid": return Nonlinear.sigmoid(x);
            case "softmax": return Softmax.softmax(x, dim(args));
            case "log_softmax": return Softmax.logSoftmax(x, dim(args));
            case "nll_loss":
                return Losses.nllLoss(in.get("input"), in.get("target"), in.get("weight"), reduction(args),
                        intArg(args, "ignore_index"));
            case "cross_entropy":
                return Losses.crossEntropy(in.get("input"), in.get("target"), in.get("weight"), reduction(args),
                        intArg(args, "ignore_index"));
            default: throw new IllegalArgumentException("no dlblocks twin for op " + op);
        }
    }

    static int intArg(Map<String, Object> args, String name) {
        return ((Number) args.get(name)).intValue();
    }

    private static int dim(Map<String, Object> args) {
        return intArg(args, "dim");
    }

    private static boolean keepdim(Map<String, Object> args) {
        return (Boolean) args.get("keepdim");
    }

    private static Reduction reduction(Map<String, Object> args) {
        return Reduction.parse((String) args.get("reduction"));
    }
}
