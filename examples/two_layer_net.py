"""Tutorial 001's TwoLayerNet, trained for 500 steps with SGD (momentum 0.5) and then with Adam.

    python examples/two_layer_net.py           # with ember (import ember as torch)
    python examples/two_layer_net.py --torch   # the same script with PyTorch

The data and the initial weights come from one NumPy seed and are copied into the model, so both libraries
start from the same point and print the same loss curve (to float32 rounding).
"""

import sys

import numpy as np

if "--torch" in sys.argv:
    import torch
else:
    import ember as torch


class TwoLayerNet(torch.nn.Module):
    def __init__(self, D_in, H, D_out):
        """Two nn.Linear modules as member variables."""
        super(TwoLayerNet, self).__init__()
        self.linear1 = torch.nn.Linear(D_in, H)
        self.linear2 = torch.nn.Linear(H, D_out)

    def forward(self, x):
        h_relu = self.linear1(x).clamp(min=0)
        y_pred = self.linear2(h_relu)
        return y_pred


# N is the batch size; D_in the input size; H the hidden size; D_out the output size
N, D_in, H, D_out = 64, 1000, 100, 10
rng = np.random.default_rng(0)
x = torch.tensor(rng.standard_normal((N, D_in)).astype(np.float32))
y = torch.tensor(rng.standard_normal((N, D_out)).astype(np.float32))
init = {
    "linear1.weight": rng.uniform(-1, 1, (H, D_in)) / np.sqrt(D_in),
    "linear1.bias": rng.uniform(-1, 1, H) / np.sqrt(D_in),
    "linear2.weight": rng.uniform(-1, 1, (D_out, H)) / np.sqrt(H),
    "linear2.bias": rng.uniform(-1, 1, D_out) / np.sqrt(H),
}


def train(make_optimizer, steps=500):
    model = TwoLayerNet(D_in, H, D_out)
    model.load_state_dict({k: torch.tensor(v.astype(np.float32)) for k, v in init.items()})
    loss_fn = torch.nn.MSELoss(reduction="sum")
    optimizer = make_optimizer(model.parameters())
    for t in range(steps):
        y_pred = model(x)
        loss = loss_fn(y_pred, y)
        if t % 50 == 49 or t < 5:
            print(t, f"{loss.item():.6g}")
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return model


print("SGD, momentum 0.5")
train(lambda params: torch.optim.SGD(params, lr=1e-4, momentum=0.5))
print("Adam")
model = train(lambda params: torch.optim.Adam(params, lr=1e-4))
print(model)
