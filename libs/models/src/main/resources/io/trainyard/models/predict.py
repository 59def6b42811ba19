"""Scores rows with a Trainyard model outside Java: rebuilds the MLP, CNN or text model in PyTorch from
architecture.json and weights.npz (both in the model directory, beside this file), or loads a
gradient-boosted trees model from XGBoost's JSON model file with the xgboost package, and applies
the model's preprocessing.

    python3 predict.py MODEL_DIR ROWS.csv > predictions.csv

ROWS.csv has a header naming the model's input columns (extra columns are ignored); an empty
field is a missing value. The output has one column per class with its probability and a
`predicted` column (classification), or a `prediction` column (regression).

Needs numpy and torch for an MLP, numpy and xgboost for trees. As a module: `model = load(MODEL_DIR)`, then
`outputs(model, encode(model, rows))` with `rows` a list of dicts of strings.
"""
import csv
import json
import os
import re
import sys

import numpy as np


def load(model_dir):
    """The architecture (a dict) and the network (a torch.nn.Sequential in eval mode)."""
    with open(os.path.join(model_dir, "architecture.json"), encoding="utf-8") as f:
        arch = json.load(f)
    if arch["format"] == "trainyard-xgboost/1":
        import xgboost

        booster = xgboost.Booster()
        booster.load_model(os.path.join(model_dir, arch["model"]))
        return arch, booster
    formats = ("trainyard-mlp/1", "trainyard-cnn/1", "trainyard-text/1", "trainyard-backbone/1")
    if arch["format"] not in formats:
        raise ValueError("unsupported export format " + arch["format"])
    import torch

    layers = []
    for layer in arch["layers"]:
        if layer["type"] == "linear":
            layers.append(torch.nn.Linear(layer["in"], layer["out"]))
        elif layer["type"] == "relu":
            layers.append(torch.nn.ReLU())
        elif layer["type"] == "dropout":
            layers.append(torch.nn.Dropout(layer["p"]))
        else:
            raise ValueError("unknown layer type " + layer["type"])
    net = torch.nn.Sequential(*layers)
    if arch["format"] == "trainyard-cnn/1":
        net = ConvNet(arch["image"], net)
    elif arch["format"] == "trainyard-text/1":
        net = TextNet(arch["text"], net)
    with np.load(os.path.join(model_dir, "weights.npz")) as weights:
        net.load_state_dict({name: torch.from_numpy(weights[name]) for name in weights.files})
    if arch["format"] == "trainyard-backbone/1":
        # The frozen TorchScript backbone runs on the preprocessed inputs, the layers on its output.
        backbone = torch.jit.load(os.path.join(model_dir, arch["backbone"])).eval()
        net = torch.nn.Sequential(backbone, net)
    return arch, net.eval()


def ConvNet(image, head):
    """A cnn: the first channels*height*width inputs as an image through each convolution (padded
    to keep the size), ReLU and a 2x2 max-pool, flattened, joined by the other inputs, then head."""
    import torch

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            layers, channels, k = [], image["channels"], image["kernel"]
            for filters in image["filters"]:
                layers += [torch.nn.Conv2d(channels, filters, k, padding=k // 2),
                           torch.nn.ReLU(), torch.nn.MaxPool2d(2)]
                channels = filters
            self.features = torch.nn.Sequential(*layers)
            self.head = head

        def forward(self, x):
            c, h, w = image["channels"], image["height"], image["width"]
            z = self.features(x[:, : c * h * w].reshape(-1, c, h, w)).flatten(1)
            return self.head(torch.cat([z, x[:, c * h * w :]], 1))

    return Net()


def TextNet(text, head):
    """A text model: the token ids (inputs at .. at+tokens) through an embedding bag, their mean
    over the ids above 0 (zeros for none) after the other inputs, then head."""
    import torch

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.bag = torch.nn.Embedding(text["vocabulary"] + 1, text["dimension"])
            self.head = head

        def forward(self, x):
            at, end = text["at"], text["at"] + text["tokens"]
            ids = x[:, at:end].long()
            mask = (ids > 0).float().unsqueeze(2)
            mean = (self.bag(ids) * mask).sum(1) / mask.sum(1).clamp(min=1)
            return self.head(torch.cat([x[:, :at], x[:, end:], mean], 1))

    return Net()


TOKEN = re.compile(r"(?u)\b\w\w+\b")


def tokens(text):
    """A text's tokens as the model's vocabulary counts them (scikit-learn's CountVectorizer
    defaults: lowercased, runs of two or more word characters)."""
    return TOKEN.findall(text.lower())


def encode(model, rows):
    """The network's input (float32, one row per row) from rows of text, as the model's
    preprocessing does: numeric features median-filled and standardised, missing indicators,
    categorical features one-hot encoded (an unseen value to the infrequent column, if any)."""
    pre = model[0]["preprocessing"]
    columns = []
    numeric = np.array(
        [[float(r[f]) if r.get(f, "") != "" else np.nan for f in pre["features"]] for r in rows],
        dtype=np.float64,
    ).reshape(len(rows), len(pre["features"]))
    missing = np.isnan(numeric)
    filled = np.where(missing, np.array(pre["fill"]), numeric)
    columns.append((filled - np.array(pre["mean"])) / np.array(pre["scale"]))
    indicators = np.array(pre["indicators"], dtype=bool)
    columns.append(missing[:, indicators].astype(np.float64))
    for cat in pre["categorical"]:
        if cat.get("tokens"):
            # A free-text feature: the ids (vocabulary position + 1) of its first maxTokens known
            # tokens, then 0.
            vocabulary = {t: i + 1 for i, t in enumerate(cat["tokens"]["vocabulary"])}
            block = np.zeros((len(rows), cat["tokens"]["maxTokens"]))
            for i, r in enumerate(rows):
                ids = [vocabulary[t] for t in tokens(r.get(cat["name"], "")) if t in vocabulary]
                ids = ids[: block.shape[1]]
                block[i, : len(ids)] = ids
            columns.append(block)
            continue
        width = len(cat["categories"]) + cat["missingColumn"] + cat["infrequent"]
        block = np.zeros((len(rows), width))
        index = {value: i for i, value in enumerate(cat["categories"])}
        for i, r in enumerate(rows):
            value = r.get(cat["name"], "")
            if value == "" and cat["missingColumn"]:
                block[i, len(cat["categories"])] = 1
            elif value != "" and value in index:
                block[i, index[value]] = 1
            elif cat["infrequent"]:
                block[i, width - 1] = 1
        columns.append(block)
    return np.hstack(columns).astype(np.float32)


def outputs(model, x):
    """Probabilities per class (classification, columns in class order) or predictions
    (regression) for encoded rows."""
    arch, net = model
    if arch["format"] == "trainyard-xgboost/1":
        import xgboost

        # The trees' sum (base margin 0) plus the intercept the export states: XGBoost 2+ keeps
        # its intercept in a form XGBoost 1.x does not read.
        intercept = np.array(arch["intercept"], dtype=np.float32)
        base = np.zeros((len(x), len(intercept)) if len(intercept) > 1 else len(x), np.float32)
        matrix = xgboost.DMatrix(x, missing=np.nan, base_margin=base)
        margins = net.predict(matrix, output_margin=True).reshape(len(x), -1)
        out = (margins + intercept).astype(np.float64)
    else:
        import torch

        with torch.no_grad():
            out = net(torch.from_numpy(x)).numpy().astype(np.float64)
    if arch["task"] == "binary-classification":
        p = 1 / (1 + np.exp(-out[:, 0]))
        return np.stack([1 - p, p], axis=1)
    if arch["task"] == "multiclass-classification":
        e = np.exp(out - out.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)
    return out[:, 0] * arch["targetScale"] + arch["targetMean"]


def main(model_dir, rows_csv):
    model = load(model_dir)
    with open(rows_csv, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    result = outputs(model, encode(model, rows))
    out = csv.writer(sys.stdout, lineterminator="\n")
    classes = model[0]["classes"]
    if classes:
        out.writerow(classes + ["predicted"])
        for p in result:
            out.writerow([repr(float(v)) for v in p] + [classes[int(np.argmax(p))]])
    else:
        out.writerow(["prediction"])
        for y in result:
            out.writerow([repr(float(y))])


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python3 predict.py MODEL_DIR ROWS.csv")
    main(sys.argv[1], sys.argv[2])
