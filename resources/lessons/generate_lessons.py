#!/usr/bin/env python3
"""Writes the shipped lessons (resources/lessons/*.json).

Lessons are plain JSON files a teacher can write by hand (docs/lesson-format.md); this script only
saves typing for the deep networks. Run it from anywhere: python3 generate_lessons.py.
tests/tst_lessons.cpp trains every project written here and asserts each lesson's checks.
"""
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))


class Net:
    """Builds nodes and edges; positions fill rows of `per_row` cards, each read left to right
    like text (a snake would turn every other row's arrows against the data flow); the edge from
    a row's end to the next row's start is routed through the gap between the rows."""

    def __init__(self, input_shape=None, per_row=6):
        self.nodes, self.edges, self.per_row = [], [], per_row
        self.last = self.add("Input", "input", {"shape": input_shape or []}, link=False)

    def add(self, type_, name, attrs, link=True, inputs=None):
        nid = len(self.nodes) + 1
        i = nid - 1
        row, col = divmod(i, self.per_row)
        self.nodes.append({"id": nid, "type": type_, "name": name,
                           "position": [60 + 220 * col, 120 + 170 * row], "attributes": attrs})
        if link:
            for port, src in enumerate(inputs or [self.last]):
                self.edges.append({"from": src, "fromPort": 0, "to": nid, "toPort": port})
        self.last = nid
        return nid

    def dense(self, units, activation, name):
        return self.add("Dense", name, {"units": units, "activation": activation,
                                        "use_bias": True, "initializer": "auto"})

    def loss(self, kind="binary_crossentropy"):
        return self.add("Loss", "loss", {"loss": kind})


def project(name, description, net, dataset, training):
    return {"format": "netcanvas", "version": 1, "name": name, "description": description,
            "nodes": net.nodes, "edges": net.edges, "dataset": dataset, "training": training}


def generator(name, samples=200, noise=0.0, seed=1):
    return {"source": "generator", "generator": name, "samples": samples, "noise": noise,
            "seed": seed}


def training(epochs, batch, optimizer="adam", lr=0.03, validation=0.2, **extra):
    t = {"epochs": epochs, "batchSize": batch, "validationSplit": validation, "testSplit": 0.0,
         "seed": 1, "optimizer": {"type": optimizer, "learningRate": lr}}
    opt_keys = {"momentum", "l2", "l1"}
    for k, v in extra.items():
        (t["optimizer"] if k in opt_keys else t)[k] = v
    return t


def write(file, data):
    with open(os.path.join(HERE, file), "w") as f:
        json.dump(data, f, indent=2, ensure_ascii=False)
        f.write("\n")


def check(metric, op, value, label=None, variant=None):
    c = {"metric": metric, "op": op, "value": value}
    if label:
        c["label"] = label
    if variant:
        c["variant"] = variant
    return c


def prompt(question, answer, variant=None):
    p = {"question": question, "answer": answer}
    if variant:
        p["variant"] = variant
    return p


# --- 1. The perceptron ---------------------------------------------------------------------------

def perceptron(gen):
    n = Net()
    n.dense(1, "identity", "neuron")
    n.loss()
    return project("Perceptron on " + gen.upper(),
                   "One neuron: a weighted sum of the two inputs plus a bias, squashed by a "
                   "sigmoid. It draws one straight line through the input plane.",
                   n, generator(gen, 200), training(40, 16, lr=0.1))


def lesson_perceptron():
    p = perceptron("and")
    write("perceptron_or.json", perceptron("or"))
    write("perceptron_xor.json", perceptron("xor"))
    p["lesson"] = {
        "title": "1. The perceptron and linear separability",
        "paragraphs": [
            "A perceptron is a single neuron. It multiplies each input by a weight, adds a bias "
            "and passes the sum through a squashing function. Whatever the weights, the points "
            "where the neuron says \"half\" lie on one straight line: the neuron can only split "
            "the plane into two half-planes.",
            "AND and OR are linearly separable: one line puts (1, 1) on its own side for AND, "
            "or (0, 0) on its own side for OR. XOR is not: (0, 1) and (1, 0) belong together, "
            "(0, 0) and (1, 1) too, and no single line separates the pairs.",
            "Training cannot find what does not exist. On XOR the best a line can do is get "
            "three of the four corners right: at most 75% accuracy.",
        ],
        "steps": [
            "Look at the network: one Dense layer with a single neuron, trained on the AND "
            "truth table (the four corners, repeated).",
            "Press Train. Watch the decision boundary: a straight line that ends up between "
            "(1, 1) and the other three corners.",
            "Open the OR variant and train it: another line, now cutting off (0, 0).",
            "Before opening XOR, type your guess for its accuracy below. Then open the XOR "
            "variant, train it, and compare.",
            "Try more epochs or another learning rate on XOR. Does anything help? (Lesson 2 "
            "shows what does.)",
        ],
        "variants": [
            {"id": "or", "title": "Perceptron on OR", "project": "perceptron_or.json"},
            {"id": "xor", "title": "Perceptron on XOR", "project": "perceptron_xor.json"},
        ],
        "checks": [
            check("train.accuracy", ">=", 1.0, "AND: training accuracy reaches 100%"),
            check("train.accuracy", ">=", 1.0, "OR: training accuracy reaches 100%", "or"),
            check("train.accuracy", "<=", 0.75, "XOR: accuracy stays at or below 75%", "xor"),
        ],
        "prompts": [
            prompt("What training accuracy will the single neuron reach on XOR?",
                   "At most 75%: no straight line separates XOR's classes, so at least one "
                   "corner is always on the wrong side.", "xor"),
        ],
        "locked": [
            {"path": "nodes[1].attributes.units",
             "reason": "A perceptron has exactly one neuron; lesson 2 adds more."},
        ],
    }
    write("perceptron.json", p)


# --- 2. Hidden layers ----------------------------------------------------------------------------

def lesson_hidden():
    n = Net()
    n.dense(4, "relu", "hidden")
    n.dense(1, "identity", "output")
    n.loss()
    p = project("Hidden layer on XOR", "Four ReLU neurons, then one output neuron.", n,
                generator("xor", 200), training(100, 16, lr=0.05))

    c = Net()
    c.dense(8, "tanh", "hidden")
    c.dense(1, "identity", "output")
    c.loss()
    write("hidden_circle.json",
          project("Hidden layer on the circle", "Eight tanh neurons bend a closed boundary.", c,
                  generator("circle", 300, 0.05), training(60, 16, lr=0.03)))

    s = Net()
    for i in range(3):
        s.dense(16, "tanh", "hidden_%d" % (i + 1))
    s.dense(1, "identity", "output")
    s.loss()
    write("hidden_spiral.json",
          project("Three hidden layers on the spiral", "Three layers of 16 tanh neurons.", s,
                  generator("spiral", 400), training(150, 16, lr=0.01)))

    p["lesson"] = {
        "title": "2. A hidden layer solves XOR",
        "paragraphs": [
            "Put a layer of neurons between the inputs and the output. Each hidden neuron draws "
            "its own line; the output neuron then combines the half-planes. Two lines are "
            "enough for XOR: the output says \"class 1\" between them.",
            "With more hidden neurons the boundary can bend into any shape: a circle needs a "
            "handful, the interleaved arms of a spiral need more neurons and more layers. This "
            "is the universal approximation theorem at work: one hidden layer with enough "
            "neurons can approximate any continuous function, and depth makes it cheaper.",
        ],
        "steps": [
            "Press Train: the four hidden neurons solve XOR. Hover the hidden layer's neuron "
            "thumbnails in the Neurons tab to see the line each one draws.",
            "Open the circle variant and train it. Then set the hidden layer to 2 units and "
            "train again: what happens to the boundary?",
            "Open the spiral variant (three hidden layers) and train it. Try removing one "
            "hidden layer and compare the accuracy.",
        ],
        "variants": [
            {"id": "circle", "title": "Circle: 8 hidden neurons", "project": "hidden_circle.json"},
            {"id": "spiral", "title": "Spiral: three hidden layers",
             "project": "hidden_spiral.json"},
        ],
        "checks": [
            check("validation.accuracy", ">=", 0.95, "XOR: validation accuracy >= 95%"),
            check("validation.accuracy", ">=", 0.95, "Circle: validation accuracy >= 95%",
                  "circle"),
            check("validation.accuracy", ">=", 0.9, "Spiral: validation accuracy >= 90%",
                  "spiral"),
        ],
        "prompts": [
            prompt("How many hidden neurons does XOR need at the very least?",
                   "Two: each draws one line, and XOR's class 1 lies between two lines."),
        ],
    }
    write("hidden_layer.json", p)


# --- 3. Activation functions ---------------------------------------------------------------------

def deep(activation, layers=10, units=16):
    n = Net()
    for i in range(layers):
        n.dense(units, activation, "dense_%d" % (i + 1))
    n.dense(1, "identity", "output")
    n.loss()
    return n


def lesson_activations():
    p = project("Deep sigmoid network", "Ten hidden layers of 16 sigmoid neurons.",
                deep("sigmoid"), generator("circle", 300, 0.05), training(5, 16, lr=0.01))
    write("activations_relu.json",
          project("Deep ReLU network", "The same ten layers with ReLU.", deep("relu"),
                  generator("circle", 300, 0.05), training(5, 16, lr=0.01)))
    p["lesson"] = {
        "title": "3. Activation functions and vanishing gradients",
        "paragraphs": [
            "Backpropagation multiplies, layer by layer, the gradient by each activation's "
            "slope. The sigmoid's slope is at most 0.25, so after ten sigmoid layers the "
            "gradient reaching the first layer is a tiny fraction of the last layer's: the "
            "early layers barely learn. This is the vanishing-gradient problem.",
            "ReLU's slope is exactly 1 wherever the neuron is active, so the gradient passes "
            "through unshrunk. That, more than anything, is why deep networks use ReLU and "
            "its relatives.",
        ],
        "steps": [
            "Open the Gradients tab of the training panel, then press Train. The bars show each "
            "layer's gradient norm: look at how they shrink towards the input.",
            "Type your guess below: how much smaller is the first layer's gradient?",
            "Open the ReLU variant and train it. Compare the gradient bars.",
            "Change a few sigmoid layers to tanh (slope up to 1): where does it land?",
        ],
        "variants": [
            {"id": "relu", "title": "The same network with ReLU",
             "project": "activations_relu.json"},
        ],
        "checks": [
            check("gradientRatio", "<", 0.01,
                  "Sigmoid: first-layer gradient norm < 0.01 x last-layer"),
            check("gradientRatio", ">", 0.1,
                  "ReLU: first-layer gradient norm > 0.1 x last-layer", "relu"),
        ],
        "prompts": [
            prompt("The first sigmoid layer's gradient norm is what fraction of the last "
                   "layer's?",
                   "Far below 1/100: each sigmoid layer multiplies the gradient by at most "
                   "0.25, ten layers by at most 0.25^10, about one millionth."),
        ],
        "locked": [
            {"path": "training.epochs",
             "reason": "A few epochs are enough to see the gradients; the lesson compares "
                       "gradients, not final accuracy."},
        ],
    }
    write("activations.json", p)


# --- 4. Learning rate and optimizers -------------------------------------------------------------

def lr_project(title, optimizer, lr, epochs=30, **extra):
    n = Net()
    n.dense(8, "tanh", "hidden")
    n.dense(1, "identity", "output")
    n.loss("mse")
    return project(title, "Regression: one hidden layer of 8 tanh neurons fits a bumpy surface "
                   "(mean squared error).", n, generator("multi_gaussian", 300),
                   training(epochs, 16, optimizer, lr, **extra))


def lesson_learning_rate():
    p = lr_project("Plain SGD, learning rate 0.1", "sgd", 0.1)
    write("lr_too_small.json", lr_project("Plain SGD, learning rate 0.0001", "sgd", 0.0001))
    write("lr_too_large.json", lr_project("Plain SGD, learning rate 500", "sgd", 500.0))
    write("lr_momentum.json", lr_project("SGD with momentum 0.9", "momentum", 0.1))
    write("lr_adam.json", lr_project("Adam", "adam", 0.03))
    p["lesson"] = {
        "title": "4. Learning rate and optimizers",
        "paragraphs": [
            "Gradient descent moves each weight a small step against its gradient: w <- w - "
            "learning rate x gradient. The learning rate sets the step size.",
            "Too small, and training crawls: after many epochs the loss has barely moved. Too "
            "large, and each step overshoots the valley floor, landing higher than where it "
            "started; the loss grows until the numbers overflow and training diverges "
            "(NetCanvas stops it and says so).",
            "Momentum keeps a running average of past steps, so it rolls through flat regions "
            "and damps zig-zags. Adam also scales each weight's step by the size of its recent "
            "gradients, which makes one learning rate work for many problems.",
        ],
        "steps": [
            "Press Train with plain SGD at learning rate 0.1.",
            "Open the \"too small\" variant and train: compare the loss curve with the first.",
            "Guess what learning rate 500 will do, then open the \"too large\" variant and "
            "train it. Read the message in the status bar.",
            "Train the momentum and the Adam variants. The loss plot keeps each run's curve, so "
            "SGD, momentum and Adam appear overlaid on one plot.",
        ],
        "variants": [
            {"id": "small", "title": "Learning rate too small (0.0001)",
             "project": "lr_too_small.json"},
            {"id": "large", "title": "Learning rate too large (500)",
             "project": "lr_too_large.json"},
            {"id": "momentum", "title": "SGD with momentum", "project": "lr_momentum.json"},
            {"id": "adam", "title": "Adam", "project": "lr_adam.json"},
        ],
        "checks": [
            check("train.loss", "<", 0.1, "SGD 0.1: training loss below 0.1"),
            check("train.loss", ">", 0.2, "Too small: training loss still above 0.2", "small"),
            check("diverged", "==", True, "Too large: training diverged", "large"),
            check("train.loss", "<", 0.1, "Momentum: training loss below 0.1", "momentum"),
            check("train.loss", "<", 0.1, "Adam: training loss below 0.1", "adam"),
        ],
        "prompts": [
            prompt("What will happen with a learning rate of 500?",
                   "Every step overshoots: the loss explodes to infinity within a few steps and "
                   "training stops as diverged.", "large"),
        ],
    }
    write("learning_rate.json", p)


# --- 5. Overfitting ------------------------------------------------------------------------------

def overfit_project(title, description, dropout=0.0, **extra):
    n = Net()
    n.dense(64, "relu", "hidden_1")
    if dropout:
        n.add("Dropout", "dropout_1", {"rate": dropout})
    n.dense(64, "relu", "hidden_2")
    if dropout:
        n.add("Dropout", "dropout_2", {"rate": dropout})
    n.dense(1, "identity", "output")
    n.loss()
    return project(title, description, n, generator("xor", 80, 0.5, seed=3),
                   training(150, 8, "adam", 0.01, validation=0.5, **extra))


def lesson_overfitting():
    p = overfit_project("Overfitting", "Two layers of 64 ReLU neurons on 40 noisy XOR points.")
    write("overfitting_l2.json", overfit_project("With L2 regularization", "L2 = 0.05.", l2=0.05))
    write("overfitting_dropout.json",
          overfit_project("With dropout", "Dropout 0.5 after each hidden layer.", dropout=0.5))
    write("overfitting_early_stopping.json",
          overfit_project("With early stopping", "Patience 10 epochs, best weights restored.",
                          earlyStoppingPatience=10, restoreBestWeights=True))
    p["lesson"] = {
        "title": "5. Overfitting and regularization",
        "paragraphs": [
            "A network with many more weights than training points can memorize them, noise "
            "and all. Its training loss keeps falling, but on new points (the validation set) "
            "it gets worse: the boundary wraps around individual noisy points instead of "
            "following the true pattern.",
            "Regularization limits that freedom. L2 adds a penalty on large weights, keeping "
            "the boundary smooth. Dropout switches random neurons off during training, so no "
            "neuron can rely on a few others. Early stopping simply stops when the validation "
            "loss has not improved for a while and keeps the best weights.",
        ],
        "steps": [
            "Press Train and watch both curves on the loss plot: training loss falls, "
            "validation loss turns around and rises.",
            "Look at the decision boundary: islands around single noisy points.",
            "Train the L2, dropout and early-stopping variants and compare their validation "
            "curves.",
        ],
        "variants": [
            {"id": "l2", "title": "L2 regularization (0.05)", "project": "overfitting_l2.json"},
            {"id": "dropout", "title": "Dropout (0.5)", "project": "overfitting_dropout.json"},
            {"id": "early", "title": "Early stopping (patience 10)",
             "project": "overfitting_early_stopping.json"},
        ],
        "checks": [
            check("overfitting", "==", True,
                  "No regularization: validation loss rose while training loss fell"),
            check("overfitting", "==", False, "L2: validation loss does not rise", "l2"),
            check("overfitting", "==", False, "Dropout: validation loss does not rise",
                  "dropout"),
            check("earlyStopped", "==", True, "Early stopping ended the run", "early"),
            check("epochs", "<", 50, "Early stopping: fewer than 50 of 150 epochs", "early"),
        ],
        "prompts": [
            prompt("Training loss will keep falling. What will the validation loss do?",
                   "Fall at first, then rise: past some epoch the network learns the noise of "
                   "its 40 training points, which does not carry over to new points."),
        ],
        "locked": [
            {"path": "dataset.samples",
             "reason": "Overfitting needs a small dataset; more data is a cure of its own."},
            {"path": "dataset.noise", "reason": "The lesson's data is deliberately noisy."},
        ],
    }
    write("overfitting.json", p)


# --- 6. Depth: batch normalization and residual connections -------------------------------------

DEPTH = 20


def depth_plain():
    n = Net(per_row=7)
    for i in range(DEPTH):
        n.dense(16, "sigmoid", "dense_%d" % (i + 1))
    n.dense(1, "identity", "output")
    n.loss()
    return n


def depth_batchnorm():
    n = Net(per_row=7)
    for i in range(DEPTH):
        n.dense(16, "identity", "dense_%d" % (i + 1))
        n.add("BatchNorm", "bn_%d" % (i + 1), {"momentum": 0.1, "epsilon": 1e-5})
        n.add("Activation", "sigmoid_%d" % (i + 1), {"function": "sigmoid"})
    n.dense(1, "identity", "output")
    n.loss()
    return n


def depth_residual():
    n = Net(per_row=7)
    h = n.dense(16, "identity", "stem")
    for i in range(DEPTH - 1):
        d = n.dense(16, "sigmoid", "dense_%d" % (i + 2))
        h = n.add("Add", "skip_%d" % (i + 2), {}, inputs=[h, d])
    n.dense(1, "identity", "output")
    n.loss()
    return n


def lesson_depth():
    data = generator("circle", 300, 0.05)
    t = training(60, 32, "adam", 0.01)
    p = project("20 plain sigmoid layers", "Twenty Dense layers of 16 sigmoid neurons.",
                depth_plain(), data, t)
    write("depth_batchnorm.json",
          project("20 layers with batch normalization",
                  "Dense -> BatchNorm -> sigmoid, twenty times.", depth_batchnorm(), data, t))
    write("depth_residual.json",
          project("20 layers with residual connections",
                  "Each sigmoid layer's output is added to its input.", depth_residual(), data,
                  t))
    p["lesson"] = {
        "title": "6. Depth: batch normalization and residual connections",
        "paragraphs": [
            "Stack twenty sigmoid layers and training stalls: the gradient shrinks at every "
            "layer (lesson 3) and the signal going forward drifts into the sigmoid's flat "
            "ends. The network stays at chance level.",
            "Batch normalization re-centres and re-scales each layer's inputs over the "
            "mini-batch, so every sigmoid works in its steep middle part and gradients keep "
            "their size.",
            "A residual connection adds a layer's input to its output: y = x + f(x). The "
            "gradient then has a direct path back through the additions, and a layer that "
            "has nothing useful to add can simply stay near zero. This is how networks with "
            "hundreds of layers train.",
        ],
        "steps": [
            "Press Train on the plain 20-layer network and watch the accuracy stay near 50%.",
            "Open the batch-normalization variant and train it.",
            "Open the residual variant and train it. Compare the gradient bars of all three.",
        ],
        "variants": [
            {"id": "batchnorm", "title": "With batch normalization",
             "project": "depth_batchnorm.json"},
            {"id": "residual", "title": "With residual connections",
             "project": "depth_residual.json"},
        ],
        "checks": [
            check("train.accuracy", "<=", 0.7, "Plain: training accuracy stays at or below 70%"),
            check("train.accuracy", ">=", 0.9, "Batch norm: training accuracy >= 90%",
                  "batchnorm"),
            check("train.accuracy", ">=", 0.9, "Residual: training accuracy >= 90%",
                  "residual"),
        ],
        "prompts": [
            prompt("Will twenty sigmoid layers learn the circle better than one hidden layer?",
                   "No: without help the deep stack stays near chance. Depth pays off only "
                   "when the gradient can get through."),
        ],
    }
    write("depth.json", p)


# --- 7. CNN on Fashion-MNIST ---------------------------------------------------------------------

def lesson_cnn():
    n = Net([28, 28, 1], per_row=4)
    n.add("Conv2D", "conv", {"filters": 8, "kernel": 3, "stride": 1, "padding": "valid",
                              "activation": "relu", "use_bias": True, "initializer": "auto"})
    n.add("MaxPool2D", "pool", {"pool": 2, "stride": 0, "padding": "valid"})
    n.add("Flatten", "flatten", {})
    n.dense(10, "identity", "output")
    n.loss("softmax_crossentropy")
    p = project("Small CNN on Fashion-MNIST", "Eight 3x3 filters, max-pooling, ten outputs.", n,
                {"source": "fashion-mnist", "path": "",
                 "options": {"scaling": "none", "imageShape": True, "limit": 1500}},
                training(2, 32, "adam", 0.003, validation=0.2))
    p["lesson"] = {
        "title": "7. Convolutional networks: filters and feature maps",
        "paragraphs": [
            "A dense layer treats an image as a long list of numbers and forgets which pixels "
            "are neighbours. A convolution slides a small filter (here 3x3) over the image and "
            "computes the same weighted sum at every position: the filter looks for one local "
            "pattern (an edge, a corner) wherever it is.",
            "Each filter produces a feature map: an image that is bright where the pattern was "
            "found. Max-pooling then keeps the strongest response in each 2x2 block, making "
            "the maps smaller and a little indifferent to exact positions.",
            "This lesson needs the Fashion-MNIST images (Debian package dataset-fashion-mnist). "
            "It trains on the first 1,500 of them to stay quick.",
        ],
        "steps": [
            "Press Train. Two epochs on 1,500 images take a few seconds.",
            "Look at the convolution's weights in the Weights tab: each 3x3 filter is a small "
            "pattern detector.",
            "Double the number of filters to 16 and train again: does accuracy improve?",
        ],
        "checks": [
            check("validation.accuracy", ">=", 0.7, "Validation accuracy >= 70%"),
        ],
        "prompts": [
            prompt("Ten classes of clothing: what validation accuracy will two epochs on 1,500 "
                   "images reach?",
                   "Around 70-80%: far above the 10% of guessing, below the 90% of a bigger "
                   "network trained on all 60,000 images."),
        ],
    }
    write("cnn.json", p)


# --- 8. Sequences: SimpleRNN vs LSTM -------------------------------------------------------------

def first_bit_project(cell, name, description):
    n = Net([], per_row=4)
    attributes = {"units": 16, "return_sequences": False}
    if cell == "LSTM":
        # Forget gate open at the start (f = 0.95): the cell keeps what it stores by default.
        attributes["forget_bias"] = 3.0
    n.add(cell, cell.lower(), attributes)
    n.dense(2, "identity", "logits")
    n.loss("softmax_crossentropy")
    # Distractors jittered with noise 1: by size alone the first bit no longer stands out, so the
    # network must carry it. Measured over seeds 1-24 (docs/sequence-data.md): LSTM >= 95% in
    # every run after 2 epochs, SimpleRNN <= 68% in 22 of 24.
    data = {"source": "generator", "generator": "first_bit", "samples": 2000, "noise": 1.0,
            "seed": 1, "options": {"length": 30}}
    return project(name, description, n, data,
                   training(2, 32, "adam", 0.01, clipNorm=1.0))


def lesson_sequences():
    p = first_bit_project("SimpleRNN", "SimpleRNN and the first of 30 bits",
                          "A SimpleRNN of 16 units reads 30 random bits (-1 or +1), one per step; "
                          "the class is the first bit.")
    write("sequences_lstm.json",
          first_bit_project("LSTM", "LSTM and the first of 30 bits",
                            "The same task and settings with an LSTM of 16 units."))
    p["lesson"] = {
        "title": "8. Sequences: SimpleRNN vs LSTM",
        "paragraphs": [
            "A recurrent layer reads a sequence one step at a time and keeps a hidden state h, "
            "its memory of what it has seen. A SimpleRNN computes the new state from the old "
            "one and the current input: h_t = tanh(W x_t + U h_(t-1) + b).",
            "Here every sequence is 30 random bits, -1 or +1, and the class is the first bit. "
            "The other 29 are distractors, blurred with random noise so that they are as loud "
            "as the first bit. To answer, the network must carry one bit through 29 updates.",
            "A SimpleRNN has no way to ignore an input: every distractor is written into its "
            "state just as strongly as the first bit was. And training sends the error back "
            "through every step (backpropagation through time), multiplied by U and by the tanh "
            "slope each time, so little of it reaches the first step. Within the lesson's "
            "training time it stays near chance (50%).",
            "An LSTM adds a cell state c that is updated by addition, guarded by gates: the input "
            "gate decides what is written, the forget gate what is kept. Its forget gate starts "
            "almost open (forget bias 3), so the cell passes the bit, and its gradient, along "
            "almost unchanged. It learns to write the first bit and shut the door on the rest. "
            "This is why LSTMs (and GRUs) replaced plain RNNs for long sequences.",
        ],
        "steps": [
            "Look at the network: Input (30 steps of 1 value) -> SimpleRNN 16 -> Dense 2. The "
            "SimpleRNN passes only its last hidden state on.",
            "Right-click the SimpleRNN card and choose Unrolled (Time Steps): the layer is drawn "
            "as one cell per time step, shaded by the gradient that reaches it.",
            "Type your guess below, then press Train. Watch the validation accuracy and the "
            "unrolled cells: the early steps stay pale.",
            "Open the LSTM variant, show its time steps the same way, and train it.",
            "Compare the two accuracies after the same 2 epochs.",
            "Going further: the epochs are locked so the race is fair. Save the SimpleRNN "
            "project under a new name, give it 10 epochs and train: on some seeds it finally "
            "finds a way, on others it never does. Plain RNNs can learn short memories, slowly "
            "and unreliably; gates make it fast and dependable.",
        ],
        "variants": [
            {"id": "lstm", "title": "The same task with an LSTM",
             "project": "sequences_lstm.json"},
        ],
        "checks": [
            check("validation.accuracy", "<=", 0.65,
                  "SimpleRNN: validation accuracy stays near chance (<= 65%)"),
            check("validation.accuracy", ">=", 0.95, "LSTM: validation accuracy >= 95%",
                  "lstm"),
        ],
        "prompts": [
            prompt("After two epochs, what validation accuracy will the SimpleRNN reach on the "
                   "first of 30 bits?",
                   "About 50%, the same as guessing: the distractors drown the first bit and the "
                   "gradient from the answer fades before it reaches step 1."),
            prompt("And the LSTM, with the same units and settings?",
                   "95-100%: its gates write the first bit into the cell and keep it there.",
                   "lstm"),
        ],
        "locked": [
            {"path": "dataset.options.length",
             "reason": "The lesson compares the two cells at 30 steps."},
            {"path": "dataset.noise",
             "reason": "The noise makes the distractors as loud as the first bit."},
            {"path": "training.epochs", "reason": "Both networks get the same training time."},
        ],
    }
    write("sequences.json", p)


# --- 9. Autoencoders on Fashion-MNIST ------------------------------------------------------------

def autoencoder(code_units, code_activation):
    n = Net([28, 28, 1], per_row=4)
    n.add("Flatten", "flatten", {})
    n.dense(128, "relu", "encoder")
    n.dense(code_units, code_activation, "code")
    n.dense(128, "relu", "decoder")
    n.dense(784, "sigmoid", "reconstruction")
    n.loss("mse")
    # Encoder on the first row, decoder on the second, both read left to right: a snake would
    # draw the decoder's edges backwards through its cards.
    for i, node in enumerate(n.nodes):
        row, col = divmod(i, 4)
        node["position"] = [60 + 220 * (col + row), 120 + 170 * row]
    return n


def lesson_autoencoders():
    # Only the first 3,000 images: loading the files dominates the run, and the 32- vs 2-number
    # codes already differ by a factor of two in reconstruction error after 8 epochs.
    data = {"source": "fashion-mnist", "path": "",
            "options": {"scaling": "none", "imageShape": True, "target": "input",
                        "limit": 3000}}
    t = training(8, 128, "adam", 0.003, validation=0.2)
    p = project("Autoencoder with a 32-number code",
                "784 pixels -> 128 -> 32 -> 128 -> 784 pixels; the target is the input image.",
                autoencoder(32, "relu"), data, t)
    write("autoencoders_latent2d.json",
          project("Autoencoder with a 2-number code",
                  "784 -> 128 -> 2 -> 128 -> 784: every image becomes a point in the plane.",
                  autoencoder(2, "identity"), data, t))
    p["lesson"] = {
        "title": "9. Autoencoders: learning a code without labels",
        "paragraphs": [
            "An autoencoder is trained to output its own input. That sounds useless until the "
            "middle layer, the code, is made much smaller than the image: the encoder must "
            "squeeze 784 pixels into a few numbers and the decoder must rebuild the picture "
            "from them. Whatever survives the squeeze is what the network found important.",
            "No labels are used: the dataset's target is the input itself (\"target\": "
            "\"input\"), and the loss is the mean squared error between original and "
            "reconstructed pixels, each between 0 and 1.",
            "For scale: always answering with the average training image gives an error of "
            "about 0.087 on these images. A 32-number code should do much better. With only 2 "
            "numbers the details are lost, but every image becomes a point you can plot, and "
            "similar clothes end up close together although the network never saw a class.",
            "This lesson needs the Fashion-MNIST images (Debian package dataset-fashion-mnist). "
            "It trains on the first 3,000 of them to stay quick.",
        ],
        "steps": [
            "Look at the network: the layers narrow from 784 to 32 and widen back to 784. The "
            "Loss node compares the output with the input image.",
            "Type your guess below, then press Train. Show the Reconstructions view beside "
            "the loss plot: validation images above their reconstructions.",
            "Open the 2-number variant and train it. Compare its loss and its blurrier "
            "reconstructions.",
            "Show the Latent space view: each validation image is a dot at its 2-number code, "
            "coloured by its class. Which classes overlap?",
        ],
        "variants": [
            {"id": "latent2d", "title": "A 2-number code (latent space)",
             "project": "autoencoders_latent2d.json"},
        ],
        "checks": [
            check("validation.loss", "<", 0.03,
                  "32-number code: reconstruction error < 0.03"),
            check("validation.loss", ">", 0.035,
                  "2-number code: error stays above 0.035 (details are lost)", "latent2d"),
            check("validation.loss", "<", 0.06,
                  "2-number code: still well below the average image's 0.087", "latent2d"),
        ],
        "prompts": [
            prompt("How much larger will the reconstruction error be with 2 numbers instead "
                   "of 32?",
                   "About twice as large (about 0.041 against 0.023): two numbers keep the "
                   "rough shape and brightness, not the details.", "latent2d"),
        ],
        "locked": [
            {"path": "dataset.options.target",
             "reason": "An autoencoder's target is its input."},
        ],
    }
    write("autoencoders.json", p)


if __name__ == "__main__":
    lesson_perceptron()
    lesson_hidden()
    lesson_activations()
    lesson_learning_rate()
    lesson_overfitting()
    lesson_depth()
    lesson_cnn()
    lesson_sequences()
    lesson_autoencoders()
