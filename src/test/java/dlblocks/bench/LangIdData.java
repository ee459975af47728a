package dlblocks.bench;

import dlblocks.bow.Corpus;
import dlblocks.bow.LangIdTraining;
import dlblocks.bow.Tokenizer;
import dlblocks.bow.Vocabulary;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/** The bundled training split, tokenised as the PyTorch peers tokenised it (the tutorial's split()). */
final class LangIdData {
    final List<List<String>> sentences = new ArrayList<>();
    final List<String> labelNames;
    final Vocabulary vocabulary;
    final Vocabulary labels = new Vocabulary();
    final int[] y;

    LangIdData(Tokenizer tokenizer) throws IOException {
        Corpus train;
        try (InputStream in = LangIdData.class.getResourceAsStream("/dlblocks/langid/train.tsv")) {
            train = Corpus.read("train.tsv", in, false);
        }
        for (String text : train.texts()) sentences.add(tokenizer.tokens(text));
        labelNames = train.labels();
        for (String label : labelNames) labels.add(label);
        vocabulary = Vocabulary.build(sentences);
        y = LangIdTraining.indices(train, labels);
    }
}
