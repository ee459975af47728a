package dlblocks.docs;

import dlblocks.affine.Linear;
import dlblocks.autograd.NoGrad;
import dlblocks.bow.BagOfWords;
import dlblocks.bow.BoWClassifier;
import dlblocks.bow.Tutorial;
import dlblocks.bow.Vocabulary;
import dlblocks.loss.CrossEntropyLoss;
import dlblocks.loss.NLLLoss;
import dlblocks.module.Module;
import dlblocks.module.Parameter;
import dlblocks.nonlinear.Nonlinear;
import dlblocks.optim.SGD;
import dlblocks.random.Generator;
import dlblocks.softmax.Softmax;
import dlblocks.tensor.Tensor;
import java.io.PrintStream;
import java.util.List;

/**
 * The code shown in docs/*.md. Each example is the region between {@code // BEGIN name} and
 * {@code // END name}; {@link DocsTest} checks that every page shows exactly that code and exactly the
 * output it prints, so no page can drift from the code that runs. {@code out} is where a page's output
 * goes (System.out in a student's own program).
 */
final class Examples {
    private Examples() {
    }

    static void affineMap(PrintStream out) {
        // BEGIN affine-map
        Generator.DEFAULT.manualSeed(1);
        Linear lin = new Linear(5, 3);   // maps from R^5 to R^3, parameters A, b
        Tensor data = Tensor.randn(2, 5); // data is 2x5: each row is mapped on its own
        out.println(lin.forward(data));
        // END affine-map
    }

    static void composedAffineMaps(PrintStream out) {
        // BEGIN composed-affine-maps
        Generator.DEFAULT.manualSeed(2);
        Linear g = new Linear(4, 3);      // g(x) = Cx + d
        Linear f = new Linear(3, 2);      // f(x) = Ax + b
        Tensor x = Tensor.randn(1, 4);
        // f(g(x)) = A(Cx + d) + b = (AC)x + (Ad + b): one affine map
        Tensor ac = f.weight.mm(g.weight);
        Tensor adPlusB = f.weight.matmul(g.bias).add(f.bias);
        out.println(f.forward(g.forward(x)));
        out.println(x.mm(ac.t()).add(adPlusB));
        // END composed-affine-maps
    }

    static void relu(PrintStream out) {
        // BEGIN relu
        Generator.DEFAULT.manualSeed(1);
        new Linear(5, 3);                  // the tutorial drew these numbers first
        Tensor.randn(2, 5);
        Tensor data = Tensor.randn(2, 2);
        out.println(data);
        out.println(Nonlinear.relu(data));
        // END relu
    }

    static void vanishingGradient(PrintStream out) {
        // BEGIN vanishing-gradient
        Tensor x = Tensor.of(0, 2, 5, 10).requiresGrad_(true);
        Nonlinear.sigmoid(x).sum().backward();   // dσ/dx at each x
        out.println(x.grad());                   // σ'(x) = σ(x)(1 − σ(x)) ≤ 1/4, vanishing as |x| grows
        Tensor y = Tensor.of(0, 2, 5, 10).requiresGrad_(true);
        Nonlinear.tanh(y).sum().backward();
        out.println(y.grad());                   // tanh'(x) = 1 − tanh²(x)
        // END vanishing-gradient
    }

    static void softmax(PrintStream out) {
        // BEGIN softmax
        Generator.DEFAULT.manualSeed(1);
        new Linear(5, 3);                  // the tutorial drew these numbers first
        Tensor.randn(2, 5);
        Tensor.randn(2, 2);
        Tensor data = Tensor.randn(5);
        out.println(data);
        out.println(Softmax.softmax(data, 0));
        out.println(Softmax.softmax(data, 0).sum()); // sums to 1 because it is a distribution
        out.println(Softmax.logSoftmax(data, 0));
        // END softmax
    }

    static void objectiveFunctions(PrintStream out) {
        // BEGIN objective-functions
        Tensor scores = Tensor.of(new double[][] {{2.0, 0.5, -1.0}, {0.1, 0.2, 3.0}});
        Tensor target = Tensor.longs(0, 2);                // the correct class of each row
        Tensor logProbs = Softmax.logSoftmax(scores, 1);
        out.println(new NLLLoss().forward(logProbs, target));        // mean of −log p(correct class)
        out.println(new CrossEntropyLoss().forward(scores, target)); // the same, log-softmax included
        // a confident wrong answer costs much more than a confident right one:
        out.println(new NLLLoss().forward(logProbs, Tensor.longs(2, 0)));
        // END objective-functions
    }

    static void optimisation(PrintStream out) {
        // BEGIN optimisation
        Tensor theta = Tensor.of(1.0, -2.0).requiresGrad_(true);
        Tensor loss = theta.mul(theta).sum();       // L(θ) = θ₀² + θ₁², so ∇L = 2θ
        loss.backward();
        out.println(theta.grad());
        SGD optimizer = new SGD(List.of(theta), 0.1);
        optimizer.step();                           // θ ← θ − η∇L = θ − 0.1·2θ
        out.println(theta);
        // END optimisation
    }

    // BEGIN network-component
    /** Affine map, ReLU, affine map, log-softmax: the tutorial's building blocks in one component. */
    static final class TwoLayerNet extends Module {
        final Linear hidden;
        final Linear output;

        TwoLayerNet(int in, int width, int labels) {
            hidden = new Linear(in, width);
            output = new Linear(width, labels);
        }

        Tensor forward(Tensor x) {
            return Softmax.logSoftmax(output.forward(Nonlinear.relu(hidden.forward(x))), 1);
        }
    }
    // END network-component

    static void networkComponent(PrintStream out) {
        // BEGIN network-component-use
        Generator.DEFAULT.manualSeed(3);
        TwoLayerNet net = new TwoLayerNet(4, 3, 2);
        out.println(net);
        out.println(net.namedParameters().keySet());   // found from the fields, in declaration order
        Tensor logProbs = net.forward(Tensor.randn(1, 4));
        out.println(logProbs);
        new NLLLoss().forward(logProbs, Tensor.longs(1)).backward();
        out.println(net.output.bias.grad());           // every parameter got its gradient
        // END network-component-use
    }

    static void bagOfWords(PrintStream out) {
        // BEGIN bag-of-words
        Generator.DEFAULT.manualSeed(1);
        new Linear(5, 3);                  // the tutorial drew these numbers first
        Tensor.randn(2, 5);
        Tensor.randn(2, 2);
        Tensor.randn(5);
        Vocabulary wordToIx = Tutorial.wordToIx();
        BoWClassifier model = new BoWClassifier(2, wordToIx.size());
        Vocabulary labelToIx = Tutorial.labelToIx();                 // {'SPANISH': 0, 'ENGLISH': 1}
        Tutorial.train(model, Tutorial.DATA, wordToIx, labelToIx, 100, 0.1);
        try (NoGrad scope = new NoGrad()) {
            for (var instance : Tutorial.TEST_DATA) {
                out.println(model.forward(BagOfWords.makeBowVector(instance.words(), wordToIx)));
            }
        }
        Parameter a = model.parameters().get(0);
        out.println(a.select(1, wordToIx.indexOf("creo")));  // Spanish up, English down
        // END bag-of-words
    }
}
