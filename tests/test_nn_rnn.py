"""``nn.RNN``/``LSTM``/``GRU`` and their cells: a numpy reference of every step and of
whole multi-layer, bidirectional runs, gradcheck on small sizes, PyTorch's parameter
names, initialisation and errors; PyTorch itself as an optional oracle (float64, same
weights, outputs and every gradient to 1e-10)."""

from __future__ import annotations

import copy
import math
import pickle
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import autodiff as ad
from autodiff.testing import gradcheck, gradgradcheck

RNG = np.random.default_rng(0)


def _np(t: ad.Tensor) -> np.ndarray:
    return np.asarray(t.detach().numpy(), dtype=np.float64)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _randomize(module: ad.nn.Module, seed: int = 1) -> dict[str, np.ndarray]:
    """Fresh float64 weights (numpy), loaded into ``module``; returned by name."""
    rng = np.random.default_rng(seed)
    state = {name: rng.uniform(-0.6, 0.6, tuple(value.shape))
             for name, value in module.state_dict().items()}
    module.load_state_dict(state)
    return state


# -- numpy references ---------------------------------------------------------------------

def np_step(mode: str, x: np.ndarray, h: np.ndarray, c: np.ndarray | None,
            w: dict[str, np.ndarray], suffix: str = "") -> tuple[np.ndarray, np.ndarray | None]:
    """One step, written from PyTorch's documented equations."""
    gi = x @ w["weight_ih" + suffix].T + w.get("bias_ih" + suffix, 0.0)
    gh = h @ w["weight_hh" + suffix].T + w.get("bias_hh" + suffix, 0.0)
    if mode in ("RNN_TANH", "RNN_RELU"):
        pre = gi + gh
        return (np.tanh(pre) if mode == "RNN_TANH" else np.maximum(pre, 0.0)), None
    if mode == "GRU":
        ir, iz, in_ = np.split(gi, 3, axis=-1)
        hr, hz, hn = np.split(gh, 3, axis=-1)
        r, z = _sigmoid(ir + hr), _sigmoid(iz + hz)
        n = np.tanh(in_ + r * hn)
        return (1 - z) * n + z * h, None
    i, f, g, o = np.split(gi + gh, 4, axis=-1)
    assert c is not None
    c = _sigmoid(f) * c + _sigmoid(i) * np.tanh(g)
    h = _sigmoid(o) * np.tanh(c)
    if "weight_hr" + suffix in w:
        h = h @ w["weight_hr" + suffix].T
    return h, c


def np_network(mode: str, x: np.ndarray, w: dict[str, np.ndarray], num_layers: int,
               bidirectional: bool, h0: np.ndarray, c0: np.ndarray | None
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """A whole time-major run: every layer and direction stepped in a Python loop."""
    directions = 2 if bidirectional else 1
    layer_input, h_n, c_n = x, [], []
    for layer in range(num_layers):
        outputs = []
        for direction in range(directions):
            index = layer * directions + direction
            suffix = f"_l{layer}" + ("_reverse" if direction else "")
            h, c = h0[index], None if c0 is None else c0[index]
            steps = range(x.shape[0] - 1, -1, -1) if direction else range(x.shape[0])
            out = [np.empty(0)] * x.shape[0]
            for t in steps:
                h, c = np_step(mode, layer_input[t], h, c, w, suffix)
                out[t] = h
            outputs.append(np.stack(out))
            h_n.append(h)
            c_n.append(c)
        layer_input = np.concatenate(outputs, axis=-1)
    return layer_input, np.stack(h_n), (None if c0 is None else np.stack(c_n))


# -- cells against numpy ------------------------------------------------------------------

CELLS = [("RNNCell", "RNN_TANH", {}), ("RNNCell", "RNN_RELU", {"nonlinearity": "relu"}),
         ("GRUCell", "GRU", {}), ("LSTMCell", "LSTM", {}), ("GRUCell", "GRU", {"bias": False}),
         ("LSTMCell", "LSTM", {"bias": False})]


@pytest.mark.parametrize(("name", "mode", "options"), CELLS)
@pytest.mark.parametrize("batched", [True, False])
def test_cell_matches_numpy_step(backend: str, name: str, mode: str, options: dict[str, Any],
                                 batched: bool) -> None:
    cell = getattr(ad.nn, name)(3, 4, **options).double()
    w = _randomize(cell)
    shape = (5,) if batched else ()
    x, h, c = (RNG.standard_normal(shape + (n,)) for n in (3, 4, 4))
    state = (ad.tensor(h), ad.tensor(c)) if mode == "LSTM" else ad.tensor(h)
    got = cell(ad.tensor(x), state)
    want_h, want_c = np_step(mode, x, h, c if mode == "LSTM" else None, w)
    if mode == "LSTM":
        np.testing.assert_allclose(_np(got[0]), want_h, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(_np(got[1]), want_c, rtol=1e-12, atol=1e-12)
        assert got[0].shape == shape + (4,)
    else:
        np.testing.assert_allclose(_np(got), want_h, rtol=1e-12, atol=1e-12)
    zero = cell(ad.tensor(x))  # hx left out: zeros
    want_zero, _ = np_step(mode, x, 0 * h, 0 * c if mode == "LSTM" else None, w)
    np.testing.assert_allclose(_np(zero[0] if mode == "LSTM" else zero), want_zero,
                               rtol=1e-12, atol=1e-12)


# -- whole networks against numpy --------------------------------------------------------

NETWORKS = [("RNN", "RNN_TANH", {}), ("RNN", "RNN_RELU", {"nonlinearity": "relu"}),
            ("GRU", "GRU", {}), ("LSTM", "LSTM", {}),
            ("LSTM", "LSTM", {"num_layers": 2, "bidirectional": True}),
            ("GRU", "GRU", {"num_layers": 2, "bidirectional": True, "bias": False}),
            ("RNN", "RNN_TANH", {"num_layers": 3, "batch_first": True}),
            ("LSTM", "LSTM", {"proj_size": 2, "num_layers": 2, "bidirectional": True}),
            ("GRU", "GRU", {"batch_first": True, "bidirectional": True})]


def _run_both(backend: str, name: str, mode: str, options: dict[str, Any],
              batched: bool = True, seq: int = 5, batch: int = 3) -> None:
    net = getattr(ad.nn, name)(3, 4, **options).double()
    w = _randomize(net)
    layers, directions = options.get("num_layers", 1), 1 + options.get("bidirectional", False)
    out_size = options.get("proj_size", 0) or 4
    x = RNG.standard_normal((seq, batch, 3))
    h0 = RNG.standard_normal((layers * directions, batch, out_size))
    c0 = RNG.standard_normal((layers * directions, batch, 4)) if mode == "LSTM" else None
    want_out, want_h, want_c = np_network(mode, x, w, layers, directions == 2, h0, c0)
    first = options.get("batch_first", False)
    given = x.transpose(1, 0, 2) if first else x
    h_given, c_given = h0, c0
    if not batched:
        given, h_given = x[:, 0], h0[:, 0]
        c_given = None if c0 is None else c0[:, 0]
        want_out, want_h = want_out[:, :1], want_h[:, :1]
        want_c = None if want_c is None else want_c[:, :1]
    state: Any = ad.tensor(h_given)
    if mode == "LSTM":
        state = (state, ad.tensor(c_given))
    out, h_n = net(ad.tensor(given), state)
    if mode == "LSTM":
        h_n, c_n = h_n
        assert want_c is not None
        np.testing.assert_allclose(_np(c_n), want_c if batched else want_c[:, 0], atol=1e-12)
    got = _np(out)
    if batched and first:
        got = got.transpose(1, 0, 2)
    np.testing.assert_allclose(got, want_out if batched else want_out[:, 0], atol=1e-12)
    np.testing.assert_allclose(_np(h_n), want_h if batched else want_h[:, 0], atol=1e-12)


@pytest.mark.parametrize(("name", "mode", "options"), NETWORKS)
def test_network_matches_numpy_loop(backend: str, name: str, mode: str,
                                    options: dict[str, Any]) -> None:
    _run_both(backend, name, mode, options)


@pytest.mark.parametrize(("name", "mode", "options"), NETWORKS[3:6])
def test_unbatched_input(backend: str, name: str, mode: str, options: dict[str, Any]) -> None:
    _run_both(backend, name, mode, options, batched=False)


@pytest.mark.parametrize("name", ["RNN", "GRU", "LSTM"])
def test_hidden_state_defaults_to_zeros(backend: str, name: str) -> None:
    net = getattr(ad.nn, name)(3, 4, num_layers=2).double()
    x = ad.tensor(RNG.standard_normal((6, 2, 3)))
    zeros = ad.zeros((2, 2, 4), dtype=ad.float64)
    given = net(x, (zeros, zeros) if name == "LSTM" else zeros)
    default = net(x)
    np.testing.assert_array_equal(_np(given[0]), _np(default[0]))
    assert default[0].shape == (6, 2, 4)


# -- gradients ----------------------------------------------------------------------------

def _with_parameters(module: ad.nn.Module, fn: Callable[..., Any]) -> tuple[Callable[..., Any],
                                                                            list[ad.Tensor]]:
    """``fn`` as a function of ``(*inputs, *parameters)``: gradcheck perturbs the
    parameters as inputs, so they are swapped into the module for each call."""
    names = [name for name, _ in module.named_parameters()]
    values = [p.detach().clone().requires_grad_(True) for p in module.parameters()]

    def call(*args: ad.Tensor) -> Any:
        inputs, params = args[:len(args) - len(names)], args[len(args) - len(names):]
        for name, value in zip(names, params, strict=True):
            path, _, leaf = name.rpartition(".")
            module.get_submodule(path)._parameters[leaf] = value  # type: ignore[assignment]
        return fn(*inputs)

    return call, values


@pytest.mark.parametrize(("name", "options"), [
    ("LSTM", {"num_layers": 2, "bidirectional": True}), ("GRU", {"bidirectional": True}),
    ("RNN", {"nonlinearity": "relu", "num_layers": 2}), ("LSTM", {"proj_size": 1})])
def test_network_gradcheck(backend: str, name: str, options: dict[str, Any]) -> None:
    net = getattr(ad.nn, name)(2, 2, **options).double()
    _randomize(net)
    layers, directions = options.get("num_layers", 1), 1 + options.get("bidirectional", False)
    x = ad.tensor(RNG.standard_normal((3, 2, 2)), requires_grad=True)
    h0 = ad.tensor(RNG.standard_normal((layers * directions, 2, options.get("proj_size", 2))),
                   requires_grad=True)
    if name == "LSTM":
        c0 = ad.tensor(RNG.standard_normal((layers * directions, 2, 2)), requires_grad=True)
        fn, params = _with_parameters(net, lambda x, h, c: _flat(net(x, (h, c))))
        assert gradcheck(fn, (x, h0, c0, *params))
    else:
        fn, params = _with_parameters(net, lambda x, h: _flat(net(x, h)))
        assert gradcheck(fn, (x, h0, *params))


@pytest.mark.parametrize(("name", "options"), [
    ("RNN", {"bidirectional": True}), ("GRU", {"bidirectional": True}),
    ("LSTM", {"bidirectional": True}), ("LSTM", {"proj_size": 1}), ("GRU", {"bias": False})])
def test_second_derivatives(backend: str, name: str, options: dict[str, Any]) -> None:
    """A layer's loop is one node whose backward runs on arrays; asked for a gradient
    of the gradient, it re-runs the layer step by step on tensors."""
    net = getattr(ad.nn, name)(2, 2, **options).double()
    _randomize(net)
    x = ad.tensor(RNG.standard_normal((3, 2, 2)), requires_grad=True)
    fn, params = _with_parameters(net, lambda x: _flat(net(x)))
    assert gradgradcheck(fn, (x, *params))


@pytest.mark.parametrize("name", ["RNNCell", "GRUCell", "LSTMCell"])
def test_cell_gradcheck(backend: str, name: str) -> None:
    cell = getattr(ad.nn, name)(3, 2).double()
    _randomize(cell)
    x = ad.tensor(RNG.standard_normal((2, 3)), requires_grad=True)
    h = ad.tensor(RNG.standard_normal((2, 2)), requires_grad=True)
    if name == "LSTMCell":
        c = ad.tensor(RNG.standard_normal((2, 2)), requires_grad=True)
        fn, params = _with_parameters(cell, lambda x, h, c: _flat(cell(x, (h, c))))
        assert gradcheck(fn, (x, h, c, *params))
    else:
        fn, params = _with_parameters(cell, lambda x, h: cell(x, h))
        assert gradcheck(fn, (x, h, *params))


def _flat(result: Any) -> ad.Tensor:
    """Every output of a recurrent module joined into one tensor."""
    if isinstance(result, ad.Tensor):
        return result.reshape(-1)
    return ad.concat([_flat(item) for item in result])


def test_long_sequence_backward_reaches_the_first_step(backend: str) -> None:
    lstm = ad.nn.LSTM(2, 3).double()
    x = ad.tensor(RNG.standard_normal((200, 1, 2)), requires_grad=True)
    out, _ = lstm(x)
    out[-1].sum().backward()
    assert x.grad is not None and x.grad.shape == (200, 1, 2)
    assert float(abs(x.grad[-1]).sum()) > 0.0
    assert all(p.grad is not None for p in lstm.parameters())


# -- parameters, initialisation, modes ----------------------------------------------------

def test_parameter_names_are_pytorchs(backend: str) -> None:
    lstm = ad.nn.LSTM(3, 4, num_layers=2, bidirectional=True, proj_size=2)
    layer = ["weight_ih_l{0}", "weight_hh_l{0}", "bias_ih_l{0}", "bias_hh_l{0}",
             "weight_hr_l{0}"]
    expected = [name.format(f"{k}{suffix}") for k in range(2) for suffix in ("", "_reverse")
                for name in layer]
    assert list(lstm.state_dict()) == expected
    assert tuple(lstm.weight_ih_l1.shape) == (16, 4) and tuple(lstm.weight_hr_l0.shape) == (2, 4)
    assert tuple(lstm.weight_hh_l0_reverse.shape) == (16, 2)
    gru = ad.nn.GRU(3, 4, bias=False)
    assert list(gru.state_dict()) == ["weight_ih_l0", "weight_hh_l0"]
    assert tuple(gru.weight_ih_l0.shape) == (12, 3)
    assert list(ad.nn.LSTMCell(3, 4).state_dict()) == ["weight_ih", "weight_hh", "bias_ih",
                                                        "bias_hh"]
    assert [len(group) for group in lstm.all_weights] == [5, 5, 5, 5]


@pytest.mark.parametrize("name", ["RNN", "GRU", "LSTM", "RNNCell", "GRUCell", "LSTMCell"])
def test_initialisation_is_uniform_within_one_over_sqrt_hidden(backend: str, name: str) -> None:
    _ = ad.manual_seed(0)
    module = getattr(ad.nn, name)(5, 16)
    bound = 1 / math.sqrt(16)
    values = np.concatenate([_np(p).ravel() for p in module.parameters()])
    assert np.all(np.abs(values) <= bound)
    assert values.std() == pytest.approx(bound / math.sqrt(3), rel=0.1)  # uniform's std
    assert all(p.requires_grad and p.dtype == ad.float32 for p in module.parameters())


def test_dropout_between_layers_only_in_training(backend: str) -> None:
    _ = ad.manual_seed(0)
    with pytest.warns(UserWarning, match="non-zero dropout expects num_layers greater than 1"):
        ad.nn.GRU(3, 4, dropout=0.5)
    net = ad.nn.LSTM(3, 4, num_layers=2, dropout=0.5).double()
    x = ad.tensor(RNG.standard_normal((4, 2, 3)))
    train_a, train_b = _np(net(x)[0]), _np(net(x)[0])
    assert not np.allclose(train_a, train_b)  # fresh masks each call
    net.eval()
    np.testing.assert_array_equal(_np(net(x)[0]), _np(net(x)[0]))
    plain = ad.nn.LSTM(3, 4, num_layers=2).double()
    plain.load_state_dict(net.state_dict())
    np.testing.assert_array_equal(_np(plain(x)[0]), _np(net(x)[0]))


def test_repr_copy_and_pickle(backend: str) -> None:
    assert repr(ad.nn.LSTM(3, 4, num_layers=2, dropout=0.5)) == \
        "LSTM(3, 4, num_layers=2, dropout=0.5)"
    assert repr(ad.nn.GRU(3, 4, bias=False, batch_first=True, bidirectional=True)) == \
        "GRU(3, 4, bias=False, batch_first=True, bidirectional=True)"
    assert repr(ad.nn.LSTM(3, 4, proj_size=2)) == "LSTM(3, 4, proj_size=2)"
    assert repr(ad.nn.RNNCell(3, 4, nonlinearity="relu")) == "RNNCell(3, 4, nonlinearity=relu)"
    net = ad.nn.GRU(3, 4, num_layers=2).double()
    x = ad.tensor(RNG.standard_normal((3, 2, 3)))
    for clone in (copy.deepcopy(net), pickle.loads(pickle.dumps(net))):
        np.testing.assert_array_equal(_np(clone(x)[0]), _np(net(x)[0]))
        assert clone.weight_ih_l0 is not net.weight_ih_l0


# -- errors -------------------------------------------------------------------------------

def test_errors(backend: str) -> None:
    lstm = ad.nn.LSTM(3, 4, num_layers=2)
    with pytest.raises(RuntimeError, match="input.size\\(-1\\) must be equal to input_size. "
                                           "Expected 3, got 5"):
        lstm(ad.ones((2, 1, 5)))
    with pytest.raises(ValueError, match="LSTM: Expected input to be 2D or 3D, got 4D"):
        lstm(ad.ones((2, 1, 1, 3)))
    with pytest.raises(RuntimeError, match=r"Expected hidden\[0\] size \(2, 1, 4\), got "
                                           r"\[1, 1, 4\]"):
        lstm(ad.ones((2, 1, 3)), (ad.zeros((1, 1, 4)), ad.zeros((2, 1, 4))))
    with pytest.raises(RuntimeError, match="For batched 3-D input, hx and cx should also be "
                                           "3-D"):
        lstm(ad.ones((2, 1, 3)), (ad.zeros((2, 4)), ad.zeros((2, 4))))
    with pytest.raises(ValueError, match="input must have the type autodiff.float32, got "
                                         "type autodiff.float64"):
        lstm(ad.ones((2, 1, 3), dtype=ad.float64))
    with pytest.raises(RuntimeError, match="Input and hidden tensors are not the same dtype, "
                                           "found input tensor with autodiff.float32 and "
                                           "hidden tensor with autodiff.float64"):
        lstm(ad.ones((2, 1, 3)), (ad.zeros((2, 1, 4), dtype=ad.float64),) * 2)
    gru = ad.nn.GRU(3, 4)
    with pytest.raises(RuntimeError, match=r"Expected hidden size \(1, 2, 4\), got \[1, 3, 4\]"):
        gru(ad.ones((5, 2, 3)), ad.zeros((1, 3, 4)))
    with pytest.raises(RuntimeError, match="For unbatched 2-D input, hx should also be 2-D"):
        gru(ad.ones((5, 3)), ad.zeros((1, 1, 4)))
    with pytest.raises(ValueError, match="Unknown nonlinearity 'sigmoid'"):
        ad.nn.RNN(3, 4, nonlinearity="sigmoid")
    with pytest.raises(ValueError, match="dropout should be a number in range \\[0, 1\\]"):
        ad.nn.LSTM(3, 4, dropout=1.5)
    with pytest.raises(ValueError, match="hidden_size must be greater than zero"):
        ad.nn.GRU(3, 0)
    with pytest.raises(ValueError, match="num_layers must be greater than zero"):
        ad.nn.GRU(3, 4, num_layers=0)
    with pytest.raises(ValueError, match="proj_size has to be smaller than hidden_size"):
        ad.nn.LSTM(3, 4, proj_size=4)
    with pytest.raises(ValueError, match="proj_size argument is only supported for LSTM"):
        ad.nn.RNNBase("GRU", 3, 4, proj_size=2)
    cell = ad.nn.LSTMCell(3, 4)
    with pytest.raises(RuntimeError, match="input has inconsistent input_size: got 2 expected 3"):
        cell(ad.ones((1, 2)))
    with pytest.raises(ValueError, match="LSTMCell: Expected input to be 1D or 2D, got 3D"):
        cell(ad.ones((1, 1, 3)))
    with pytest.raises(RuntimeError, match="Input batch size 2 doesn't match hidden0 batch "
                                           "size 3"):
        ad.nn.GRUCell(3, 4)(ad.ones((2, 3)), ad.zeros((3, 4)))
    with pytest.raises(RuntimeError, match="hidden0 has inconsistent hidden_size: got 5, "
                                           "expected 4"):
        ad.nn.RNNCell(3, 4)(ad.ones((2, 3)), ad.zeros((2, 5)))


# -- PyTorch as an oracle -----------------------------------------------------------------

TORCH_CASES = [("RNN", {}), ("RNN", {"nonlinearity": "relu", "bias": False}), ("GRU", {}),
               ("LSTM", {}), ("LSTM", {"num_layers": 2, "bidirectional": True,
                                       "batch_first": True}),
               ("GRU", {"num_layers": 2, "bidirectional": True}),
               ("LSTM", {"proj_size": 3, "num_layers": 2}),
               ("RNN", {"num_layers": 2, "bidirectional": True, "batch_first": True})]


def _copy_from_torch(ours: ad.nn.Module, theirs: Any) -> None:
    assert list(ours.state_dict()) == list(theirs.state_dict())
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})


def _compare_grads(ours: ad.nn.Module, theirs: Any) -> None:
    for (name, mine), their in zip(ours.named_parameters(), theirs.parameters(), strict=True):
        assert mine.grad is not None, name
        np.testing.assert_allclose(_np(mine.grad), their.grad.numpy(), rtol=1e-10,
                                   atol=1e-10, err_msg=name)


@pytest.mark.parametrize(("name", "options"), TORCH_CASES)
@pytest.mark.parametrize("batched", [True, False])
def test_network_matches_pytorch(backend: str, name: str, options: dict[str, Any],
                                 batched: bool) -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is an optional oracle")
    theirs = getattr(torch.nn, name)(4, 5, **options).double()
    ours = getattr(ad.nn, name)(4, 5, **options).double()
    _copy_from_torch(ours, theirs)
    shape = ((3, 6, 4) if options.get("batch_first") else (6, 3, 4)) if batched else (6, 4)
    x = RNG.standard_normal(shape)
    directions = 1 + options.get("bidirectional", False)
    states = options.get("num_layers", 1) * directions
    h_size = options.get("proj_size", 0) or 5
    h0 = RNG.standard_normal((states, 3, h_size) if batched else (states, h_size))
    c0 = RNG.standard_normal((states, 3, 5) if batched else (states, 5))
    tx, th, tc = (torch.tensor(a, requires_grad=True) for a in (x, h0, c0))
    ax, ah, ac = (ad.tensor(a, requires_grad=True) for a in (x, h0, c0))
    if name == "LSTM":
        t_out, (t_h, t_c) = theirs(tx, (th, tc))
        a_out, (a_h, a_c) = ours(ax, (ah, ac))
        t_loss = (t_out ** 2).sum() + (t_h ** 3).sum() + (t_c * t_c.tanh()).sum()
        a_loss = (a_out ** 2).sum() + (a_h ** 3).sum() + (a_c * a_c.tanh()).sum()
    else:
        t_out, t_h = theirs(tx, th)
        a_out, a_h = ours(ax, ah)
        t_loss = (t_out ** 2).sum() + (t_h ** 3).sum()
        a_loss = (a_out ** 2).sum() + (a_h ** 3).sum()
    np.testing.assert_allclose(_np(a_out), t_out.detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(_np(a_h), t_h.detach().numpy(), rtol=1e-10, atol=1e-12)
    t_loss.backward()
    a_loss.backward()
    _compare_grads(ours, theirs)
    pairs = [(ax, tx), (ah, th)] + ([(ac, tc)] if name == "LSTM" else [])
    for mine, their in pairs:
        assert mine.grad is not None
        np.testing.assert_allclose(_np(mine.grad), their.grad.numpy(), rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("name", ["RNNCell", "GRUCell", "LSTMCell"])
def test_cell_matches_pytorch(backend: str, name: str) -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is an optional oracle")
    theirs = getattr(torch.nn, name)(4, 3).double()
    ours = getattr(ad.nn, name)(4, 3).double()
    _copy_from_torch(ours, theirs)
    x, h = RNG.standard_normal((2, 4)), RNG.standard_normal((2, 3))
    tx, th = torch.tensor(x, requires_grad=True), torch.tensor(h, requires_grad=True)
    ax, ah = ad.tensor(x, requires_grad=True), ad.tensor(h, requires_grad=True)
    if name == "LSTMCell":
        t_out = torch.cat(theirs(tx, (th, th * 2)))
        a_out = ad.concat(ours(ax, (ah, ah * 2)))
    else:
        t_out, a_out = theirs(tx, th), ours(ax, ah)
    np.testing.assert_allclose(_np(a_out), t_out.detach().numpy(), rtol=1e-10, atol=1e-12)
    (t_out ** 2).sum().backward()
    (a_out ** 2).sum().backward()
    _compare_grads(ours, theirs)
    assert ax.grad is not None and ah.grad is not None
    np.testing.assert_allclose(_np(ax.grad), tx.grad.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(_np(ah.grad), th.grad.numpy(), rtol=1e-10, atol=1e-12)
