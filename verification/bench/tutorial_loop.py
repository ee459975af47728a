"""The tutorial's training loop, unchanged, on the bundled language-identification corpus, timed.

Run with Debian's torch (1.13, CPU): /usr/bin/python3 verification/bench/tutorial_loop.py [SENTENCES]
It is the PyTorch side of docs/performance.md's comparison with dlblocks' TutorialLoopBenchmark: one
sentence at a time, a dense BoW vector over the whole vocabulary (the tutorial's split(), 71,272 words),
NLLLoss, backward, SGD(lr=0.1), one thread.
"""
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

torch.set_num_threads(1)
torch.manual_seed(1)
DATA = "src/main/resources/dlblocks/langid/train.tsv"

data = []
with open(DATA, encoding="utf-8") as f:
    for line in f:
        label, text = line.rstrip("\n").split("\t", 1)
        data.append((text.split(), label))

word_to_ix = {}
for sent, _ in data:
    for word in sent:
        if word not in word_to_ix:
            word_to_ix[word] = len(word_to_ix)
label_to_ix = {}
for _, label in data:
    label_to_ix.setdefault(label, len(label_to_ix))


class BoWClassifier(nn.Module):
    def __init__(self, num_labels, vocab_size):
        super(BoWClassifier, self).__init__()
        self.linear = nn.Linear(vocab_size, num_labels)

    def forward(self, bow_vec):
        return F.log_softmax(self.linear(bow_vec), dim=1)


def make_bow_vector(sentence, word_to_ix):
    vec = torch.zeros(len(word_to_ix))
    for word in sentence:
        vec[word_to_ix[word]] += 1
    return vec.view(1, -1)


def make_target(label, label_to_ix):
    return torch.LongTensor([label_to_ix[label]])


model = BoWClassifier(len(label_to_ix), len(word_to_ix))
loss_function = nn.NLLLoss()
optimizer = optim.SGD(model.parameters(), lr=0.1)
n = int(sys.argv[1]) if len(sys.argv) > 1 else len(data)
for repeat in range(3):
    start = time.perf_counter()
    for instance, label in data[:n]:
        model.zero_grad()
        bow_vec = make_bow_vector(instance, word_to_ix)
        target = make_target(label, label_to_ix)
        log_probs = model(bow_vec)
        loss = loss_function(log_probs, target)
        loss.backward()
        optimizer.step()
    seconds = time.perf_counter() - start
    print("torch %s: %d sentences in %.2f s = %.0f sentences/s (vocabulary %d)"
          % (torch.__version__, n, seconds, n / seconds, len(word_to_ix)))
