"""The tutorials' nn examples: tutorial 000's losses and optimizer, tutorial 002's MyNet and Conv2d shapes.

    python examples/nn_tour.py           # with ember (import ember as torch)
    python examples/nn_tour.py --torch   # the same script with PyTorch: the same text

Weights are copied in from one NumPy seed, so both libraries compute the same numbers.
"""

import sys
import warnings

import numpy as np

if "--torch" in sys.argv:
    import torch
else:
    import ember as torch

import_nn = torch.nn
nn, F = torch.nn, torch.nn.functional


def show(label, value):
    print(f"--- {label}")
    print(value)


# ---------------------------------------------------------------- tutorial 000: loss functions
for name, loss_function in (("L1Loss", torch.nn.L1Loss()), ("MSELoss", torch.nn.MSELoss())):
    w = torch.tensor(1.0, requires_grad=True)
    b = torch.tensor(0.0, requires_grad=True)
    x = torch.tensor(2.0)
    y = torch.tensor(5.0)
    p = x * w + b
    l = loss_function(p, y)
    show(name, (p, l))

# ---------------------------------------------------------------- tutorial 000: the optimizer
w = torch.tensor(1.0, requires_grad=True)
b = torch.tensor(0.0, requires_grad=True)
x = torch.tensor(2.0)
y = torch.tensor(5.0)
loss_function = torch.nn.MSELoss()
optimizer = torch.optim.SGD([w, b], lr=0.01)
p = x * w + b
l = loss_function(p, y)
show("p, l", (p, l))
l.backward()
show("grads", (w.grad, b.grad))
optimizer.step()
optimizer.zero_grad()
show("after step and zero_grad", (w, b, w.grad, b.grad))
show("optimizer", optimizer)


# ---------------------------------------------------------------- tutorial 002: MyNet with softmax
class MyNet(nn.Module):
    def __init__(self):
        super(MyNet, self).__init__()
        self.fc1 = nn.Linear(100, 200)
        self.fc2 = nn.Linear(200, 10)

    def forward(self, x):
        x = self.fc1(x)
        x = F.relu(x)
        x = self.fc2(x)
        x = F.softmax(x)  # no dim: torch warns and picks dim 1 for a 2-D input
        return x


rng = np.random.default_rng(0)
net = MyNet()
net.load_state_dict({k: torch.tensor(rng.uniform(-0.1, 0.1, tuple(v.shape)).astype(np.float32))
                     for k, v in net.state_dict().items()})  # fmt: skip
show("MyNet", net)
show("parameters", [(name, tuple(p.shape)) for name, p in net.named_parameters()])
inp = torch.tensor(rng.standard_normal((3, 100)).astype(np.float32))
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    out = net(inp)
show("softmax warning", [str(c.message) for c in caught])
show("output", (out.shape, out.sum(1), out.argmax(1)))
target = torch.tensor([1, 0, 4])
loss = nn.CrossEntropyLoss()(net.fc2(F.relu(net.fc1(inp))), target)
show("CrossEntropyLoss", loss)
loss.backward()
show("fc2.bias.grad", net.fc2.bias.grad)

# ---------------------------------------------------------------- tutorial 002: Conv2d shapes
x = torch.randn(2, 1, 7, 3)
conv = torch.nn.Conv2d(1, 8, (2, 3))
res = conv(x)
show("Conv2d(1, 8, (2, 3))", (conv, tuple(conv.weight.shape), tuple(res.shape)))

# ---------------------------------------------------------------- tutorial 002: saving parameters (state_dict)
sd = net.state_dict()
show("state_dict keys", list(sd.keys()))
net2 = MyNet()
show("load_state_dict", net2.load_state_dict(sd))
show("same output", bool(torch.allclose(net2(inp), net(inp))))
