"""The tensor and autograd examples of the five tutorials in shared/seeds/, run as written for PyTorch 2.13.

    python examples/tensor_tour.py           # with ember (import ember as torch)
    python examples/tensor_tour.py --torch   # the same script with PyTorch, for comparison

Both print the same text. Random tensors are shown by shape and dtype only, since ember draws other random
numbers than torch. Lines a tutorial got wrong (torch.linespace, x.view(16) on 15 elements ...) show the error
PyTorch 2.13 raises.
"""

import sys
import warnings

import numpy as np

if "--torch" in sys.argv:
    import torch
else:
    import ember as torch

warnings.simplefilter("ignore")  # TypedStorage and torch.range deprecation warnings go to stderr anyway


def show(label, value):
    print(f"--- {label}")
    print(value)


def error(label, fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - showing exactly what the tutorial's line raises
        print(f"--- {label}\n{type(e).__name__}: {e}")
    else:
        print(f"--- {label}\nno error")


def shape_of(t):
    return f"{tuple(t.shape)} {t.dtype}"


# ---------------------------------------------------------------- tutorial 000: Tensor objects
show("torch.tensor(1)", torch.tensor(1))
show("torch.tensor(1.0)", torch.tensor(1.0))
show("torch.tensor(1.0).item()", torch.tensor(1.0).item())
show("vector", torch.tensor([1.0, 2.0, 3.0]))
show("matrix", torch.tensor([[1.0, 2.0, 3.0], [-1.0, -2.0, -3.0]]))
show("zeros(2, 3)", torch.zeros(2, 3))
show("ones(2, 3)", torch.ones(2, 3))
show("full((3, 2), 100)", torch.full((3, 2), 100))
show("rand(3, 3)", shape_of(torch.rand(3, 3)))
r = (torch.rand(3, 3) * 10 + 1).long()
show("(rand(3, 3) * 10 + 1).long()", (shape_of(r), bool(((r >= 1) & (r <= 10)).all())))
r = torch.randint(1, 11, (3, 3))
show("randint(1, 11, (3, 3))", (shape_of(r), bool(((r >= 1) & (r <= 10)).all())))
for t in (torch.tensor(1), torch.tensor(1.0), torch.tensor([1.0, 2.0, 3.0])):
    show("dtype", t.dtype)
show("storage of tensor(1)", torch.tensor(1).storage())
show("storage float32", torch.tensor([1, 2, 3], dtype=torch.float32).storage())
show("storage float64", torch.tensor([[1, 2, 3], [-1, -2, -3]], dtype=torch.float64).storage())
show("dtype=int32", torch.tensor(1, dtype=torch.int32))
show("float to int32", torch.tensor([1.1, 2.9, 3.5], dtype=torch.int32))
show("dtype=int64", torch.tensor(1, dtype=torch.int64))
show("dtype=float32", torch.tensor(1, dtype=torch.float32))
show("dtype=float64", torch.tensor(1, dtype=torch.float64))
show("list as float64", torch.tensor([1, 2, 3], dtype=torch.float64))
show("dtype=bool", torch.tensor([1, 2, 0], dtype=torch.bool))
show("shapes", [torch.tensor(1).shape, torch.tensor([1.0]).shape, torch.tensor([[1.0, 2.0, 3.0], [-1.0, -2.0, -3.0]]).shape])
show("stride", torch.tensor([[1, 2, 3], [-1, -2, -3]]).stride())
show("> 1.0", torch.tensor([1.0, 2.0, 3.0]) > 1.0)
show("<= 2.0", torch.tensor([1.0, 2.0, 3.0]) <= 2.0)
show("> tensor", torch.tensor([1.0, 2.0, 3.0]) > torch.tensor([1.1, 1.9, 3.0]))
show("<= tensor", torch.tensor([1.0, 2.0, 3.0]) <= torch.tensor([1.1, 1.9, 3.0]))
v = torch.tensor([1.0, 2.0, 3.0])
show("min max mean std", (v.min(), v.max(), v.mean(), v.std()))
a = torch.tensor([1, 2, 3])
b = torch.tensor([7, 8, 9])
show("a.add(b)", a.add(b))
show("a unchanged", a)
show("a.add_(b)", a.add_(b))
show("a changed", a)

a = torch.tensor([[1, 2, 3], [-1, -2, -3]])
b = a.view(3, 2)
c = b.view(6)
show("view", (a, a.shape, a.stride(), b, b.shape, b.stride(), c, c.shape, c.stride()))
show("same storage", (a.storage(), b.storage(), c.storage()))
a = torch.tensor([1, 2, 3, -1, -2, -3])
b = a[1:3]
show("slice of vector", (b, b.storage_offset(), b.size(), b.storage()))
c = a.view(3, 2)[1:]
show("slice of matrix", (a.view(3, 2), c, c.storage_offset(), c.size(), c.stride()))
c = a.view(3, 2).transpose(0, 1)[:, 1:]
show("slice of transpose", (a.view(3, 2).transpose(0, 1), c, c.storage_offset(), c.size(), c.stride()))

show("tensor * 2", torch.tensor(1.0) * 2)
show("tensor * tensor", (torch.tensor(1.0) * torch.tensor(2.0), torch.tensor(3.0) * torch.tensor(2.0)))
show("vector * 3 - 1", (torch.tensor([1.0, 2.0, 3.0]) * 3, torch.tensor([1.0, 2.0, 3.0]) * 3 - 1))
m = torch.tensor([[1.0, 2.0, 3.0], [-1.0, -2.0, -3.0]])
show("matrix / tensor(2)", m / torch.tensor(2))
show("matrix * vector", m * torch.tensor([1.0, 1.5, 2.0]))
a = torch.tensor([[1, 2, 3], [4, 5, 6]])
b = torch.tensor([[4, 3, 2, 1], [8, 7, 6, 5], [9, 9, 9, 9]])
show("a.mm(b)", a.mm(b))
error("mm size mismatch", lambda: a.mm(torch.tensor([[4, 3, 2, 1], [8, 7, 6, 5]])))
show("a @ b", a @ b)
show("matmul batched", (torch.ones(2, 3).matmul(torch.ones(5, 3, 4)), torch.ones(2, 3).matmul(torch.ones(5, 3, 4)).shape))

# autograd by hand
w = torch.tensor(1.0, requires_grad=True)
b = torch.tensor(0.0, requires_grad=True)
x = torch.tensor(2)
y = torch.tensor(5)
p = x * w + b
show("p", p)
l = (p - y).abs()
show("l", l)
l.backward()
show("grads", (w.grad, b.grad))
learning_rate = 0.01
with torch.no_grad():
    w -= w.grad * learning_rate
    b -= b.grad * learning_rate
show("after step", (w, b))
show("zero_", (w.grad.zero_(), b.grad.zero_()))

# ---------------------------------------------------------------- tutorials 001, 003, 004: creation and arithmetic
show("empty(5, 3)", shape_of(torch.empty(5, 3)))
show("zeros long", torch.zeros(5, 3, dtype=torch.long))
x = torch.tensor([5.5, 3])
show("tensor([5.5, 3])", x)
x = x.new_ones(5, 3, dtype=torch.double)
show("new_ones double", x)
x = torch.randn_like(x, dtype=torch.float)
show("randn_like", shape_of(x))
show("size", (x.size(), x.size(0)))
y = torch.rand(5, 3)
result = torch.empty(5, 3)
torch.add(x, y, out=result)
show("add out=", bool((result == x + y).all()))
y2 = y.clone()
y2.add_(x)
show("add_", bool((y2 == x + y).all()))
error("x.view(-1, 8) on 15 elements", lambda: x.view(-1, 8))
error("x.view(16)", lambda: x.view(16))
error("x.item() on 15 elements", lambda: x.item())
show("view(2, 8) of 16", torch.arange(16).view(2, 8))
show("transpose", x.transpose(0, 1).shape)
show("randn(1).item()", type(torch.randn(1).item()).__name__)
t = torch.ones(5)
n = t.numpy()
show("numpy", n)
t.add_(1)
show("numpy shares memory", n)
n = np.ones(5)
t = torch.from_numpy(n)
np.add(n, 1, out=n)
show("from_numpy shares memory", t)
show("cuda available", torch.cuda.is_available())
error("to('cuda')", lambda: torch.rand(5, 3).to("cuda"))
x = torch.arange(6)
show("arange(6)", x)
show("view(3, -1)", x.view(3, -1))
show("view(-1, 6)", x.view(-1, 6))
show("view(1, -1, 2)", x.view(1, -1, 2))
show("arange(1, 6)", torch.arange(1, 6))
show("range(1, 6)", torch.range(1, 6))
error("torch.normal(5, 3)", lambda: torch.normal(5, 3).shape)
error("torch.linespace", lambda: torch.linespace(5, 3))
error("torch.new_ones", lambda: torch.new_ones(5, 3, dtype=torch.double))
error("torch([5.5, 3])", lambda: torch([5.5, 3]))
show("eye(5, 3)", torch.eye(5, 3))
show("arange(2, 10, 2)", torch.arange(2, 10, 2))
show("linspace(2, 10, 3)", torch.linspace(2, 10, 3))
show("normal(0, 3, (5, 3))", shape_of(torch.normal(0, 3, (5, 3))))
u = torch.Tensor(5, 3).uniform_(-1, 1)
show("Tensor(5, 3).uniform_(-1, 1)", (shape_of(u), bool(((u >= -1) & (u < 1)).all())))
show("randint(1, 4, (2, 3, 2))", shape_of(torch.randint(1, 4, (2, 3, 2))))
show("randperm(3) sorted", sorted(torch.randperm(3).tolist()))
x = torch.arange(15.0).view(5, 3)
show("x[:, 1]", x[:, 1])
show("index_select", x.index_select(0, torch.linspace(0, 4, 2, dtype=torch.int32)))
xm = x - 7
show("masked_select", xm.masked_select(xm > 0))
show("nonzero", xm.nonzero())
t = torch.Tensor([[1, 2], [3, 4]])
show("gather", torch.gather(t, 1, torch.LongTensor([[0, 0], [1, 0]])))
x = torch.arange(16.0).view(4, 4)
show("view(16), view(-1, 8)", (x.view(16), x.view(-1, 8)))
show("squeeze / unsqueeze", (torch.zeros(1, 3, 1).squeeze().shape, torch.zeros(3).unsqueeze(0).shape))
show("broadcast", torch.arange(1, 3).view(1, 2) + torch.arange(1, 4).view(3, 1))

# ---------------------------------------------------------------- tutorial 002: basic operations
x = torch.arange(12)
show("arange(12)", x)
show("3-d tensor", torch.tensor([[[1, 2, 3], [4, 5, 6], [7, 8, 9]]]))
show("zeros((2, 3, 4))", torch.zeros((2, 3, 4)))
show("ones((2, 3, 4))", torch.ones((2, 3, 4)))
show("randn((3, 4))", shape_of(torch.randn((3, 4))))
x = torch.tensor([1, 2, 3, 4, 5])
y = torch.tensor([2, 2, 2, 2, 2])
show("x+y, x-y, x*y, x/y, x**y", (x + y, x - y, x * y, x / y, x**y))
show("exp", torch.exp(x))
show("sum", x.sum())
show("cat dim 0", torch.cat((x, y), dim=0))
error("cat dim 1 of vectors", lambda: torch.cat((x, y), dim=1))
X = torch.arange(12, dtype=torch.float32).reshape((3, 4))
Y = torch.tensor([[2.0, 1, 4, 3], [1, 2, 3, 4], [4, 3, 2, 1]])
show("cat matrices", (torch.cat((X, Y), dim=0), torch.cat((X, Y), dim=1)))
a = torch.arange(3).reshape((3, 1))
b = torch.arange(2).reshape((1, 2))
show("broadcast a + b", a + b)
z = torch.zeros_like(Y)
before = id(z)
z[:] = X + Y
show("z[:] = X + Y keeps the object", (id(z) == before, z))
before = id(X)
X += Y
show("X += Y keeps the object", id(X) == before)
A = X.numpy()
B = torch.tensor(A)
show("numpy round trip", (type(A).__name__, type(B).__name__))

x = torch.arange(4.0)
show("arange(4.0)", x)
x.requires_grad_(True)
show("x.grad", x.grad)
y = 2 * torch.dot(x, x)
show("2 * dot(x, x)", y)
y.backward()
show("x.grad", x.grad)
show("x.grad == 4 * x", x.grad == 4 * x)
x.grad.zero_()
y = x * x
y.sum().backward()
show("grad of sum(x * x)", x.grad)
x.grad.zero_()
y = x * x
u = y.detach()
z = u * x
z.sum().backward()
show("detach", x.grad == u)


def f(a):
    b = a * 2
    while b.norm() < 1000:
        b = b * 2
    if b.sum() > 0:
        c = b
    else:
        c = 100 * b
    return c


a = torch.tensor(0.7312, requires_grad=True)
d = f(a)
d.backward()
show("control flow", d / a == a.grad)

# ---------------------------------------------------------------- tutorials 001, 003, 004: autograd
x = torch.ones(2, 2, requires_grad=True)
show("x", x)
y = x + 2
show("y", y)
show("y.grad_fn", type(y.grad_fn).__name__)
z = y * y * 3
out = z.mean()
show("z, out", (z, out))
out.backward()
show("x.grad", x.grad)
x = torch.tensor([0.2, -0.4, 0.9], requires_grad=True)
y = x * 2
while y.data.norm() < 1000:
    y = y * 2
show("y", y)
v = torch.tensor([0.1, 1.0, 0.0001], dtype=torch.float)
y.backward(v)
show("x.grad", x.grad)
show("requires_grad", (x.requires_grad, (x**2).requires_grad))
with torch.no_grad():
    show("in no_grad", (x**2).requires_grad)
y = x.detach()
show("detach", (x.requires_grad, y.requires_grad))
x = torch.randn(2, 2)
x.requires_grad_(True)
show("requires_grad_", x.requires_grad)

# ---------------------------------------------------------------- tutorial 003: torch.max, argmax, histc
t = torch.tensor([[1.0, 5.0, 3.0], [4.0, 2.0, 6.0]])
show("torch.max(t, 0)", torch.max(t, 0))
show("torch.max(t, 1)", torch.max(t, 1))
show("argmax", (torch.argmax(t), torch.argmax(t, 1)))
show("histc", torch.histc(torch.tensor([1.0, 2.0, 1.0]), bins=4, min=0, max=3))
