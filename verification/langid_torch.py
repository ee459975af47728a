#!/usr/bin/python3
"""Language-identification models moved between dlblocks (Java) and PyTorch, both ways.

Run with Debian's python3-torch (1.13) from the project root; the `safetensors` package is not needed (the
format is read and written here with the standard library). Every fixture lands in verification/langid/:

    /usr/bin/python3 verification/langid_torch.py predict      # (a) PyTorch predicts with the Java-made model
    /usr/bin/python3 verification/langid_torch.py train        # (b) a model trained and saved by PyTorch
    /usr/bin/python3 verification/langid_torch.py tokenizer    # what Python's tokenizers do, for the Java tests
    /usr/bin/python3 verification/langid_torch.py all          # all three

(a) loads java-model.safetensors (written by the Java CLI; the command is in verification/langid/README.md)
into the tutorial's own BoWClassifier with model.load_state_dict, tokenises texts as the file's metadata says,
skips unknown words, and records each text's label, log-probabilities and probabilities.
(b) trains the tutorial's BoWClassifier with the tutorial's loop on a subset of the bundled training split and
saves it as safetensors with the metadata conventions of dlblocks.bow.LangIdModel, plus its predictions.
The Java suite (dlblocks.verification.LangIdInteropTest) checks both against Java.
"""

import argparse
import array
import collections
import hashlib
import json
import os
import re
import struct
import sys
import unicodedata

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "verification", "langid")
CORPUS = os.path.join(ROOT, "src", "main", "resources", "dlblocks", "langid")

# Metadata keys of dlblocks.bow.LangIdModel.
VOCABULARY = "dlblocks.vocabulary"
LABELS = "dlblocks.labels"
TOKENIZER = "dlblocks.tokenizer"
LOWERCASE = "dlblocks.lowercase"

# Texts beyond the dev split that every prediction fixture also covers: no known word at all (the bias
# alone decides), repeated words (counts above 1), odd whitespace, and Unicode edge cases of the tokenizers.
EXTRA_TEXTS = [
    "xyzzy plugh qwfp",
    "der der der der Hund Hund",
    "  la\u00a0casa\u2003de\tpapel  ",
    "ΟΔΥΣΣΕΥΣ ΑΣ1Α Α1Σ ΣΑ. Σ",
    "İstanbul'da ǅemal ẞ straße STRASSE",
    "l'onda non è qui, ¿verdad? Zażółć gęślą jaźń",
    "x² ½ ① Ⅻ ١٢٣ snake_case e\u0301 \u200bzero",
]

# Hand-picked strings whose tokens the Java tests compare with Python's, in all four tokenizer settings.
TOKENIZER_EXAMPLES = EXTRA_TEXTS + [
    "ΣΑΣ ΣΣ Σ' Α'Σ Α.Σ.Α Α:Σ ΑΣ\u0301 Α\u0301Σ ΑΣ-Α ΑΣʰ Αʰ Σ ΆΣΟΣ.",
    "word\u2028line\u2029para\u0085nel\x1cfs\x1fus\x0bvt\x0cff",
    "ﬁne ǈ ǉ Ǉ ΐ ŉ ı I İ i̇",
    "😀emoji😀 日本語 테스트 a\u0640b \u00adsoft",
    "tab\there  new\nline\r\ncrlf",
]


# --------------------------------------------------------------------------------------- the tutorial's code

class BoWClassifier(nn.Module):  # inheriting from nn.Module!  (copied verbatim from the tutorial, shared/seed/)

    def __init__(self, num_labels, vocab_size):
        # calls the init function of nn.Module. Dont get confused by syntax,
        # just always do it in an nn.Module
        super(BoWClassifier, self).__init__()

        # Define the parameters that you will need. In this case, we need A and b,
        # the parameters of the affine mapping.
        # Torch defines nn.Linear(), which provides the affine map.
        # Make sure you understand why the input dimension is vocab_size
        # and the output is num_labels!
        self.linear = nn.Linear(vocab_size, num_labels)

        # NOTE! The non-linearity log softmax does not have parameters! So we don't need
        # to worry about that here

    def forward(self, bow_vec):
        # Pass the input through the linear layer,
        # then pass that through log_softmax.
        # Many non-linearities and other functions are in torch.nn.functional
        return F.log_softmax(self.linear(bow_vec), dim=1)


def make_bow_vector(sentence, word_to_ix):
    """The tutorial's make_bow_vector, except that words outside the vocabulary are skipped (and counted)."""
    vec = torch.zeros(len(word_to_ix))
    unknown = 0
    for word in sentence:
        if word in word_to_ix:
            vec[word_to_ix[word]] += 1
        else:
            unknown += 1
    return vec.view(1, -1), unknown


def make_target(label, label_to_ix):
    return torch.LongTensor([label_to_ix[label]])


# ---------------------------------------------------------------------------------- tokenizers and corpus

def tokenize(text, mode, lowercase):
    """dlblocks.bow.Tokenizer: "words" = re.findall(r"\\w+"), "split" = str.split(), after optional lower()."""
    s = text.lower() if lowercase else text
    if mode == "words":
        return re.findall(r"\w+", s)
    if mode == "split":
        return s.split()
    raise ValueError("unknown tokenizer %r" % mode)


def java_is_whitespace(c):
    """Java's Character.isWhitespace, which String.strip() (used by dlblocks.bow.Corpus) strips."""
    return c in "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f" or (
        unicodedata.category(c) in ("Zs", "Zl", "Zp") and c not in "\u00a0\u2007\u202f")


def java_strip(s):
    start, end = 0, len(s)
    while start < end and java_is_whitespace(s[start]):
        start += 1
    while end > start and java_is_whitespace(s[end - 1]):
        end -= 1
    return s[start:end]


def read_tsv(path):
    """dlblocks.bow.Corpus: LABEL<TAB>text lines split at \\n only (a \\r before it dropped), strict UTF-8."""
    with open(path, "rb") as f:
        data = f.read()
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    examples = []
    for number, raw in enumerate(lines, 1):
        if raw.endswith(b"\r"):
            raw = raw[:-1]
        line = raw.decode("utf-8")
        label, tab, text = line.partition("\t")
        label, text = java_strip(label), java_strip(text)
        if not tab or not label or not text:
            raise ValueError("%s:%d: not LABEL<TAB>text" % (path, number))
        examples.append((label, text))
    return examples


# ------------------------------------------------------------------------------------------- safetensors

DTYPES = {"F32": (torch.float32, "f", 4), "F64": (torch.float64, "d", 8), "I64": (torch.int64, "q", 8),
          "I32": (torch.int32, "i", 4)}


def read_safetensors(path):
    """Tensors (by name, file order) and metadata of a safetensors file, checked as strictly as the Java reader."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 8:
        raise ValueError("%s: too short" % path)
    (n,) = struct.unpack("<Q", data[:8])
    if n > len(data) - 8:
        raise ValueError("%s: header length %d runs past the end" % (path, n))

    def no_duplicates(pairs):
        keys = [k for k, _ in pairs]
        if len(keys) != len(set(keys)):
            raise ValueError("%s: duplicate key in header" % path)
        return dict(pairs)

    header = json.loads(data[8:8 + n].decode("utf-8"), object_pairs_hook=no_duplicates)
    body = data[8 + n:]
    metadata = header.pop("__metadata__", {})
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()):
        raise ValueError("%s: __metadata__ is not a map of strings" % path)
    tensors = collections.OrderedDict()
    covered = []
    for name, info in header.items():
        torch_dtype, code, size = DTYPES[info["dtype"]]
        shape = info["shape"]
        begin, end = info["data_offsets"]
        numel = 1
        for s in shape:
            numel *= s
        if not (0 <= begin <= end <= len(body)) or end - begin != numel * size:
            raise ValueError("%s: tensor %s: bad data_offsets %r for shape %r" % (path, name, [begin, end], shape))
        values = array.array(code, body[begin:end])
        if sys.byteorder == "big":
            values.byteswap()
        tensors[name] = torch.tensor(values.tolist(), dtype=torch_dtype).reshape(shape)
        covered.append((begin, end))
    position = 0
    for begin, end in sorted(covered):
        if begin != position:
            raise ValueError("%s: tensors overlap or leave a gap at byte %d" % (path, position))
        position = end
    if position != len(body):
        raise ValueError("%s: %d bytes of data, tensors cover %d" % (path, len(body), position))
    return tensors, metadata


def encode_safetensors(tensors, metadata):
    """The bytes dlblocks.io.Safetensors.encode writes: header padded with spaces to 8 bytes, then the data."""
    header = collections.OrderedDict()
    if metadata:
        header["__metadata__"] = metadata
    chunks = []
    offset = 0
    for name, t in tensors.items():
        t = t.detach().contiguous()
        kind = {v[0]: k for k, v in DTYPES.items()}[t.dtype]
        values = array.array(DTYPES[kind][1], t.reshape(-1).tolist())
        if sys.byteorder == "big":
            values.byteswap()
        chunk = values.tobytes()
        header[name] = {"dtype": kind, "shape": list(t.shape), "data_offsets": [offset, offset + len(chunk)]}
        chunks.append(chunk)
        offset += len(chunk)
    text = json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(chunks)


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


# --------------------------------------------------------------------------------------------- predicting

def load_model(path):
    """A safetensors model written by dlblocks (or by train below) in the tutorial's BoWClassifier."""
    tensors, metadata = read_safetensors(path)
    word_to_ix = {w: i for i, w in enumerate(json.loads(metadata[VOCABULARY]))}
    labels = json.loads(metadata[LABELS])
    model = BoWClassifier(len(labels), len(word_to_ix))
    model.load_state_dict(tensors)  # strict: exactly linear.weight and linear.bias, with the right shapes
    return model, word_to_ix, labels, metadata[TOKENIZER], metadata[LOWERCASE] == "true"


def predictions(model_path, texts):
    model, word_to_ix, labels, mode, lowercase = load_model(model_path)
    rows = []
    with torch.no_grad():
        for text in texts:
            bow_vec, unknown = make_bow_vector(tokenize(text, mode, lowercase), word_to_ix)
            log_probs = model(bow_vec)[0]
            probs = torch.exp(log_probs)
            values = log_probs.tolist()
            best = max(range(len(values)), key=lambda c: (values[c], -c))  # the first largest, as Java's loop
            rows.append(collections.OrderedDict([
                ("text", text),
                ("label", labels[best]),
                ("unknown_words", unknown),
                ("log_probs", collections.OrderedDict(zip(labels, values))),
                ("probabilities", collections.OrderedDict(zip(labels, probs.tolist()))),
            ]))
    return collections.OrderedDict([
        ("generated_by", "verification/langid_torch.py with real PyTorch " + torch.__version__),
        ("model", os.path.basename(model_path)),
        ("model_sha256", sha256(model_path)),
        ("tokenizer", mode),
        ("lowercase", lowercase),
        ("labels", labels),
        ("note", "log_probs are model(bow_vec) (float32); probabilities are torch.exp of them (float32); "
                 "both printed exactly. unknown_words counts the tokens skipped."),
        ("predictions", rows),
    ])


def write_json(path, value):
    """JSON with one line per top-level key and one line per prediction."""
    def dump(v):
        return json.dumps(v, ensure_ascii=False)
    lines = []
    for key, v in value.items():
        if key == "predictions":
            lines.append(" %s: [\n%s\n ]" % (dump(key), ",\n".join("  " + dump(row) for row in v)))
        else:
            lines.append(" %s: %s" % (dump(key), dump(v)))
    with open(path, "w", encoding="utf-8") as f:
        f.write("{\n" + ",\n".join(lines) + "\n}\n")
    print("wrote %s (%d bytes)" % (os.path.relpath(path, ROOT), os.path.getsize(path)))


def dev_texts(limit):
    return [text for _, text in read_tsv(os.path.join(CORPUS, "dev.tsv"))[:limit]] + EXTRA_TEXTS


def dev_accuracy(result, limit):
    gold = [label for label, _ in read_tsv(os.path.join(CORPUS, "dev.tsv"))[:limit]]
    correct = sum(p["label"] == label for p, label in zip(result["predictions"], gold))
    return "accuracy on the first %d dev texts: %.2f%%" % (limit, 100.0 * correct / limit)


def command_predict(args):
    model = os.path.join(OUT, "java-model.safetensors")
    result = predictions(model, dev_texts(args.dev))
    print("PyTorch with java-model.safetensors: " + dev_accuracy(result, args.dev))
    write_json(os.path.join(OUT, "java-model.torch-predictions.json"), result)


# ----------------------------------------------------------------------------------------------- training

def command_train(args):
    torch.manual_seed(args.seed)
    data = read_tsv(os.path.join(CORPUS, "train.tsv"))[:args.subset]
    sentences = [tokenize(text, args.tokenizer, args.lowercase) for _, text in data]
    counts = collections.Counter(w for s in sentences for w in s)
    word_to_ix = {}
    for sentence in sentences:  # the tutorial's first-seen order, keeping words seen min_count times
        for word in sentence:
            if counts[word] >= args.min_count and word not in word_to_ix:
                word_to_ix[word] = len(word_to_ix)
    label_to_ix = {}
    for label, _ in data:
        label_to_ix.setdefault(label, len(label_to_ix))

    model = BoWClassifier(len(label_to_ix), len(word_to_ix))
    loss_function = nn.NLLLoss()
    optimizer = optim.SGD(model.parameters(), lr=args.lr)
    for epoch in range(args.epochs):  # the tutorial's loop, one sentence at a time
        total = 0.0
        for (label, _), instance in zip(data, sentences):
            model.zero_grad()
            bow_vec, _ = make_bow_vector(instance, word_to_ix)
            target = make_target(label, label_to_ix)
            log_probs = model(bow_vec)
            loss = loss_function(log_probs, target)
            loss.backward()
            optimizer.step()
            total += loss.item()
        print("epoch %d: mean training loss %.4f" % (epoch + 1, total / len(data)))

    labels = sorted(label_to_ix, key=label_to_ix.get)
    metadata = collections.OrderedDict([
        ("format", "pt"),
        (LABELS, json.dumps(labels, ensure_ascii=False, separators=(",", ":"))),
        (TOKENIZER, args.tokenizer),
        (LOWERCASE, "true" if args.lowercase else "false"),
        (VOCABULARY, json.dumps(sorted(word_to_ix, key=word_to_ix.get), ensure_ascii=False, separators=(",", ":"))),
        ("dlblocks.trained_by", "verification/langid_torch.py train: PyTorch %s, tutorial loop, SGD lr %s, %d epochs, "
                                "first %d lines of train.tsv, seed %d" % (torch.__version__, args.lr, args.epochs,
                                                                         args.subset, args.seed)),
    ])
    path = os.path.join(OUT, "torch-model.safetensors")
    with open(path, "wb") as f:
        f.write(encode_safetensors(model.state_dict(), metadata))
    print("wrote %s (%d bytes, %d words, labels %s)" % (os.path.relpath(path, ROOT), os.path.getsize(path),
                                                         len(word_to_ix), labels))
    # The file read back must hold exactly the tensors PyTorch trained.
    back, _ = read_safetensors(path)
    for name, t in model.state_dict().items():
        assert torch.equal(back[name], t), name
    result = predictions(path, dev_texts(args.dev))
    print("PyTorch with torch-model.safetensors: " + dev_accuracy(result, args.dev))
    write_json(os.path.join(OUT, "torch-predictions.json"), result)


# ---------------------------------------------------------------------------------------------- tokenizer

SETTINGS = [("split", False), ("split", True), ("words", False), ("words", True)]


def ranges(predicate):
    """The code points (surrogates excluded) where predicate holds, as inclusive [first, last] ranges."""
    out = []
    for cp in range(0x110000):
        if 0xD800 <= cp <= 0xDFFF or not predicate(chr(cp)):
            continue
        if out and out[-1][1] == cp - 1:
            out[-1][1] = cp
        else:
            out.append([cp, cp])
    return out


def token_digest(texts, mode, lowercase):
    """SHA-256 over every text's tokens, each as its UTF-8 bytes and a NUL, each text ended by a newline."""
    h = hashlib.sha256()
    n = 0
    for text in texts:
        for token in tokenize(text, mode, lowercase):
            assert "\0" not in token
            h.update(token.encode("utf-8") + b"\0")
            n += 1
        h.update(b"\n")
    return h.hexdigest(), n


def command_tokenizer(args):
    word = re.compile(r"\w")
    dev = [text for _, text in read_tsv(os.path.join(CORPUS, "dev.tsv"))]
    digests = collections.OrderedDict()
    for mode, lowercase in SETTINGS:
        digest, n = token_digest(dev, mode, lowercase)
        digests["%s %s" % (mode, str(lowercase).lower())] = {"sha256": digest, "tokens": n}
    lower = [[cp, chr(cp).lower()] for cp in range(0x110000)
             if not 0xD800 <= cp <= 0xDFFF and chr(cp).lower() != chr(cp)]
    fixture = collections.OrderedDict([
        ("generated_by", "verification/langid_torch.py tokenizer, Python %s" % sys.version.split()[0]),
        ("unicode_version", unicodedata.unidata_version),
        ("note", "Code point sets are inclusive [first, last] ranges (surrogates excluded). whitespace: str.isspace(); "
                 "word: re.match(r'\\w'); lower: [cp, chr(cp).lower()] where that differs from chr(cp). The final-sigma "
                 "probes record where str.lower() turns capital sigma into final ς: sigma_after_space_c: ' ' + c + 'Σ'; "
                 "sigma_after_alpha_c: 'Α' + c + 'Σ'; sigma_before_c: 'ΑΣ' + c (the Σ at index 1)."),
        ("whitespace", ranges(lambda c: c.isspace())),
        ("word", ranges(lambda c: word.match(c) is not None)),
        ("lower", lower),
        ("sigma_after_space_c", ranges(lambda c: (" " + c + "Σ").lower()[-1] == "ς")),
        ("sigma_after_alpha_c", ranges(lambda c: ("Α" + c + "Σ").lower()[-1] == "ς")),
        ("sigma_before_c", ranges(lambda c: ("ΑΣ" + c).lower()[1] == "ς")),
        ("dev_tokens", digests),
        ("examples", [collections.OrderedDict([("text", text)] + [
            ("%s %s" % (mode, str(lowercase).lower()), tokenize(text, mode, lowercase))
            for mode, lowercase in SETTINGS]) for text in TOKENIZER_EXAMPLES]),
    ])
    with open(os.path.join(OUT, "python-tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(fixture, f, ensure_ascii=True, separators=(",", ":"))
        f.write("\n")
    print("wrote verification/langid/python-tokenizer.json (%d bytes)"
          % os.path.getsize(os.path.join(OUT, "python-tokenizer.json")))


# ------------------------------------------------------------------------------------------------- main

def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["predict", "train", "tokenizer", "all"])
    parser.add_argument("--dev", type=int, default=300, help="dev texts to predict (the first N; default 300)")
    parser.add_argument("--subset", type=int, default=3000, help="training lines used by train (default 3000)")
    parser.add_argument("--min-count", type=int, default=2, help="train: keep words seen this often (default 2)")
    parser.add_argument("--tokenizer", choices=["words", "split"], default="split",
                        help="train: tokenizer (default split, the tutorial's)")
    parser.add_argument("--lowercase", action="store_true", help="train: lower-case texts first")
    parser.add_argument("--epochs", type=int, default=5, help="train: epochs (default 5)")
    parser.add_argument("--lr", type=float, default=0.1, help="train: SGD learning rate (default 0.1, the tutorial's)")
    parser.add_argument("--seed", type=int, default=1, help="train: torch.manual_seed (default 1)")
    args = parser.parse_args()
    torch.set_num_threads(1)
    os.makedirs(OUT, exist_ok=True)
    if args.command in ("tokenizer", "all"):
        command_tokenizer(args)
    if args.command in ("predict", "all"):
        command_predict(args)
    if args.command in ("train", "all"):
        command_train(args)


if __name__ == "__main__":
    main()
