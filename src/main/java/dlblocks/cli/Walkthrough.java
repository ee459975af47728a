package dlblocks.cli;

import dlblocks.affine.Linear;
import dlblocks.autograd.NoGrad;
import dlblocks.bow.BagOfWords;
import dlblocks.bow.BoWClassifier;
import dlblocks.bow.Example;
import dlblocks.bow.Tutorial;
import dlblocks.bow.Vocabulary;
import dlblocks.module.Parameter;
import dlblocks.nonlinear.Nonlinear;
import dlblocks.random.Generator;
import dlblocks.softmax.Softmax;
import dlblocks.tensor.Device;
import dlblocks.tensor.Tensor;
import java.io.PrintStream;

/**
 * The tutorial, section by section, in Java: each heading, then the values the tutorial prints. With
 * seed 1, every printed value equals the tutorial's own output character for character.
 */
public final class Walkthrough {
    private final PrintStream out;
    private final Device device;

    public Walkthrough(PrintStream out, Device device) {
        this.out = out;
        this.device = device;
    }

    /** Runs every section in the tutorial's order. */
    public void run() {
        Generator.DEFAULT.manualSeed(1);
        affineMaps();
        nonLinearities();
        softmaxAndProbabilities();
        bagOfWordsClassifier();
    }

    private void affineMaps() {
        heading("Affine Maps", "lin = new Linear(5, 3); data = Tensor.randn(2, 5); lin.forward(data)");
        Linear lin = new Linear(5, 3);
        lin.to(device);
        Tensor data = Tensor.randn(2, 5).to(device);
        show(lin.forward(data));
    }

    private void nonLinearities() {
        heading("Non-Linearities", "data = Tensor.randn(2, 2); data; Nonlinear.relu(data)");
        Tensor data = Tensor.randn(2, 2).to(device);
        show(data);
        show(Nonlinear.relu(data));
    }

    private void softmaxAndProbabilities() {
        heading("Softmax and Probabilities",
                "data = Tensor.randn(5); softmax(data, 0); softmax(data, 0).sum(); logSoftmax(data, 0)");
        Tensor data = Tensor.randn(5).to(device);
        show(data);
        show(Softmax.softmax(data, 0));
        show(Softmax.softmax(data, 0).sum());
        show(Softmax.logSoftmax(data, 0));
    }

    private void bagOfWordsClassifier() {
        heading("Example: Logistic Regression Bag-of-Words classifier", "wordToIx; model.parameters(); model(bow)");
        Vocabulary wordToIx = Tutorial.wordToIx();
        out.println(wordToIx);
        BoWClassifier model = new BoWClassifier(2, wordToIx.size());
        model.to(device);
        for (Parameter param : model.parameters()) {
            out.println(param.toString(false));
        }
        try (NoGrad scope = new NoGrad()) {
            Example sample = Tutorial.DATA.get(0);
            show(model.forward(BagOfWords.makeBowVector(sample.words(), wordToIx).to(device)));
        }

        Vocabulary labelToIx = Tutorial.labelToIx();
        heading("Before training", "log probabilities of the test sentences; the column of A for \"creo\"");
        testAndCreo(model, wordToIx);
        Tutorial.train(model, Tutorial.DATA, wordToIx, labelToIx, 100, 0.1);
        heading("After 100 epochs of SGD (lr 0.1)", "Spanish goes up for the first sentence, English for the second");
        testAndCreo(model, wordToIx);
    }

    private void testAndCreo(BoWClassifier model, Vocabulary wordToIx) {
        try (NoGrad scope = new NoGrad()) {
            for (Example instance : Tutorial.TEST_DATA) {
                show(model.forward(BagOfWords.makeBowVector(instance.words(), wordToIx).to(device)));
            }
        }
        show(model.parameters().get(0).select(1, wordToIx.indexOf("creo")));
    }

    private void heading(String title, String code) {
        out.println();
        out.println("## " + title);
        out.println("// " + code);
    }

    /** Prints as the tutorial prints on the CPU, whichever device the tensor is on. */
    private void show(Tensor t) {
        out.println(t.toString(false));
    }
}
