"""``autodiff.compile``: a traced and replayed training step equals eager bit for bit;
guards retrace; what cannot be traced breaks the graph with a warning naming the line."""

from __future__ import annotations

import copy
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import autodiff as ad
from autodiff import nn, optim


def _mlp(seed: int = 0) -> nn.Module:
    rng = np.random.default_rng(seed)
    model = nn.Sequential(nn.Linear(4, 16), nn.Tanh(), nn.Linear(16, 3))
    with ad.no_grad():
        for p in model.parameters():
            p.copy_(ad.tensor(rng.standard_normal(tuple(p.shape)) * 0.5, dtype=p.dtype))
    return model


def _batches(count: int, seed: int = 1) -> list[tuple[ad.Tensor, ad.Tensor]]:
    rng = np.random.default_rng(seed)
    return [(ad.tensor(rng.standard_normal((8, 4))), ad.tensor(rng.standard_normal((8, 3))))
            for _ in range(count)]


def _step(model: nn.Module, opt: optim.Optimizer) -> Callable[..., Any]:
    def step(x: ad.Tensor, y: ad.Tensor) -> ad.Tensor:
        opt.zero_grad()
        loss = ((model(x) - y) ** 2).mean()
        loss.backward()
        opt.step()
        return loss

    return step


def _same(a: ad.Tensor, b: ad.Tensor) -> bool:
    return bool(np.array_equal(a.detach().numpy(), b.detach().numpy()))


def _train_both(make_opt: Callable[[Any], optim.Optimizer], steps: int = 100,
                double: bool = False) -> Any:
    eager_model = _mlp().double() if double else _mlp()
    compiled_model = copy.deepcopy(eager_model)
    eager_opt, compiled_opt = make_opt(eager_model.parameters()), make_opt(
        compiled_model.parameters())
    eager, compiled = _step(eager_model, eager_opt), ad.compile(_step(compiled_model,
                                                                      compiled_opt))
    for x, y in _batches(steps):
        assert _same(eager(x, y), compiled(x, y))
    for p, q in zip(eager_model.parameters(), compiled_model.parameters(), strict=True):
        assert _same(p, q) and _same(p.grad, q.grad)
    return compiled, eager_opt, compiled_opt


def test_sgd_momentum_training_equals_eager_bit_for_bit(backend: str) -> None:
    compiled, eager_opt, compiled_opt = _train_both(
        lambda params: optim.SGD(params, lr=0.05, momentum=0.9, nesterov=True,
                                 weight_decay=1e-3))
    entry = next(iter(compiled.cache.values()))
    assert entry.replay is not None  # the later steps were replays, not eager calls
    for p, q in zip(eager_opt.param_groups[0]["params"], compiled_opt.param_groups[0]["params"],
                    strict=True):
        assert _same(eager_opt.state[p]["momentum_buffer"],
                     compiled_opt.state[q]["momentum_buffer"])


@pytest.mark.parametrize("amsgrad", [False, True])
def test_adam_training_equals_eager_bit_for_bit(backend: str, amsgrad: bool) -> None:
    # Adam's bias corrections depend on the step count: recorded as a call on the step
    # tensor, they are recomputed at each replay rather than baked in
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        compiled, eager_opt, compiled_opt = _train_both(
            lambda params: optim.Adam(params, lr=1e-2, weight_decay=1e-2, amsgrad=amsgrad))
    assert next(iter(compiled.cache.values())).replay is not None
    for p, q in zip(eager_opt.param_groups[0]["params"], compiled_opt.param_groups[0]["params"],
                    strict=True):
        for name in eager_opt.state[p]:
            assert _same(eager_opt.state[p][name], compiled_opt.state[q][name])


@pytest.mark.parametrize("make", [
    lambda params: optim.Adamax(params, lr=1e-2, weight_decay=1e-2),
    lambda params: optim.Adagrad(params, lr=1e-2, lr_decay=1e-2),
    lambda params: optim.RMSprop(params, lr=1e-3, momentum=0.5, centered=True),
    lambda params: optim.Adadelta(params, lr=0.5),
    lambda params: optim.NAdam(params, lr=1e-2),
    lambda params: optim.NAdam(params, lr=1e-2, weight_decay=1e-2),
    lambda params: optim.NAdam(params, lr=1e-2, weight_decay=1e-2, decoupled_weight_decay=True),
    lambda params: optim.RAdam(params, lr=1e-2),
    lambda params: optim.RAdam(params, lr=1e-2, weight_decay=1e-2),
    lambda params: optim.RAdam(params, lr=1e-2, weight_decay=1e-2, decoupled_weight_decay=True),
], ids=["Adamax", "Adagrad", "RMSprop", "Adadelta", "NAdam", "NAdam-L2", "NAdam-decoupled",
        "RAdam", "RAdam-L2", "RAdam-decoupled"])
@pytest.mark.parametrize("double", [False, True], ids=["float32", "float64"])
def test_step_counting_optimizers_replay_bit_for_bit(make: Callable[[Any], Any],
                                                     double: bool) -> None:
    # their step-dependent rates are a recorded call on the step tensor (NAdam's on its
    # momentum product too; or the count is never read): the replays count on, and no
    # graph break is warned of. In float64, NAdam's momentum product stays float32: its
    # factor must be rounded to float32, not to the parameters' dtype. RAdam's 30 steps
    # cross its rectification threshold (the next test checks that replays do)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        compiled, eager_opt, compiled_opt = _train_both(make, steps=30, double=double)
    assert next(iter(compiled.cache.values())).replay is not None
    for p, q in zip(eager_opt.param_groups[0]["params"], compiled_opt.param_groups[0]["params"],
                    strict=True):
        for name in eager_opt.state[p]:
            assert _same(eager_opt.state[p][name], compiled_opt.state[q][name])


def _radam_rho(step: int, beta2: float = 0.999) -> float:
    """RAdam's ``rho_t`` (PyTorch's formula): rectified where it exceeds 5."""
    rho_inf = 2 / (1 - beta2) - 1
    return rho_inf - 2 * step * beta2 ** step / (1 - beta2 ** step)


def test_radam_replays_on_both_sides_of_its_rectification_threshold() -> None:
    # plain momentum while rho_t <= 5, rectified after: a replay that kept the regime of
    # the steps it traced would be wrong on the other side
    eager_model = _mlp()
    compiled_model = copy.deepcopy(eager_model)
    eager_opt = optim.RAdam(eager_model.parameters(), lr=1e-2)
    compiled_opt = optim.RAdam(compiled_model.parameters(), lr=1e-2)
    eager, compiled = _step(eager_model, eager_opt), ad.compile(_step(compiled_model,
                                                                      compiled_opt))
    replayed = []
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for step, (x, y) in enumerate(_batches(12), start=1):
            entry = next(iter(compiled.cache.values()), None)
            if entry is not None and entry.replay is not None:
                replayed.append(step)
            assert _same(eager(x, y), compiled(x, y))
            for p, q in zip(eager_model.parameters(), compiled_model.parameters(),
                            strict=True):
                assert _same(p, q)
    assert any(_radam_rho(step) <= 5.0 for step in replayed)
    assert any(_radam_rho(step) > 5.0 for step in replayed)


def test_an_optimizer_reading_tensor_data_breaks_the_graph_and_stays_exact() -> None:
    # LBFGS reads its closure's loss (and its gradients' norms) into Python: the step
    # runs eagerly, with a warning naming the line
    def train(model: nn.Module, opt: optim.Optimizer) -> Callable[..., Any]:
        def step(x: ad.Tensor, y: ad.Tensor) -> Any:
            def closure() -> ad.Tensor:
                opt.zero_grad()
                loss = ((model(x) - y) ** 2).mean()
                loss.backward()
                return loss

            return opt.step(closure)

        return step

    eager_model = _mlp()
    compiled_model = copy.deepcopy(eager_model)
    eager = train(eager_model, optim.LBFGS(eager_model.parameters(), lr=0.5, max_iter=4))
    compiled = ad.compile(train(compiled_model,
                                optim.LBFGS(compiled_model.parameters(), lr=0.5, max_iter=4)))
    with pytest.warns(UserWarning, match=r"graph break: Tensor.__float__ .*lbfgs.py:\d+"):
        for x, y in _batches(5):
            assert _same(eager(x, y), compiled(x, y))
    for p, q in zip(eager_model.parameters(), compiled_model.parameters(), strict=True):
        assert _same(p, q)


def test_replay_makes_no_tensor_but_the_results(backend: str) -> None:
    w = ad.tensor([1.0, 2.0, 3.0], requires_grad=True)

    @ad.compile
    def step(x: ad.Tensor) -> ad.Tensor:
        loss = (w * x).sin().sum()
        loss.backward()
        with ad.no_grad():
            w.sub_(w.grad * 0.1)
        w.grad = None
        return loss

    reference = w.detach().clone().requires_grad_(True)
    for k in range(5):
        x = ad.tensor([0.5, -1.0, 2.0]) * (k + 1)
        loss = step(x)
        ref_loss = (reference * x).sin().sum()
        ref_loss.backward()
        with ad.no_grad():
            reference.sub_(reference.grad * 0.1)
        reference.grad = None
        assert _same(loss, ref_loss) and _same(w, reference)
    assert w.grad is None and w.requires_grad
    source = next(iter(step.cache.values())).program.source
    assert "Tensor" not in source and "del " in source


def test_guard_miss_retraces_and_stays_exact(backend: str) -> None:
    @ad.compile
    def f(x: ad.Tensor) -> ad.Tensor:
        return (x * x).sum(axis=0)

    for n in (2, 3, 2, 3, 2):
        x = ad.ones((n, 2)) * n
        assert _same(f(x), (x * x).sum(axis=0))
    assert len(f.cache) == 2


def test_a_guard_that_keeps_missing_warns_naming_it() -> None:
    f = ad.compile(lambda x: x + 1)
    with pytest.warns(UserWarning, match=r"retraced .* argument leaf .*\(\d+,\)"):
        for n in range(1, 12):
            f(ad.ones(n))
    assert len(f.cache) <= 8


def test_a_data_read_breaks_the_graph_naming_the_line() -> None:
    def f(x: ad.Tensor) -> ad.Tensor:
        if (x.sum() > 0).item():  # the read
            return x * 2
        return x * 3

    compiled = ad.compile(f)
    with pytest.warns(UserWarning, match=r"graph break: Tensor.item .*test_compile.py:\d+"):
        out = compiled(ad.ones(3))
    assert _same(out, ad.ones(3) * 2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # later calls run eagerly, without warning again
        assert _same(compiled(-ad.ones(3)), -ad.ones(3) * 3)


def test_fullgraph_raises_on_a_graph_break() -> None:
    compiled = ad.compile(lambda x: x * float(x.sum()), fullgraph=True)
    with pytest.raises(RuntimeError, match=r"fullgraph=True.*graph break.*__float__"):
        compiled(ad.ones(3))


@pytest.mark.parametrize("make", [
    lambda: (lambda x: ad.nn.functional.dropout(x, 0.5, training=True)),
    lambda: (lambda x: x + ad.randn(64)),
])
def test_random_numbers_are_never_replayed_as_constants(make: Callable[[], Any]) -> None:
    compiled = ad.compile(make())
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        # 64 draws: three equal dropout masks by chance is a 2**-128 event (with 3 it
        # was 1 in 64, and the test failed now and then)
        first, second, third = (compiled(ad.ones(64)) for _ in range(3))
    assert not (_same(first, second) and _same(second, third))


def test_hooks_break_the_graph() -> None:
    w = ad.tensor([1.0, 2.0], requires_grad=True)
    w.register_hook(lambda g: g * 2)

    def f(x: ad.Tensor) -> None:
        (w * x).sum().backward()

    compiled = ad.compile(f)
    with pytest.warns(UserWarning, match="graph break: backward through a node with hooks"):
        for _ in range(3):
            compiled(ad.ones(2))
    assert _same(w.grad, ad.tensor([6.0, 6.0]))


def test_a_returned_graph_without_backward_is_not_replayed() -> None:
    w = ad.tensor([1.0, 2.0], requires_grad=True)
    compiled = ad.compile(lambda x: (w * x).sum())
    with pytest.warns(UserWarning, match="returns a tensor with a graph"):
        loss = compiled(ad.ones(2))
    loss.backward()
    assert _same(w.grad, ad.ones(2))


def test_explain_lists_ops_guards_and_frees(capsys: pytest.CaptureFixture[str]) -> None:
    w = ad.tensor([1.0, 2.0], requires_grad=True)

    def step(x: ad.Tensor) -> ad.Tensor:
        loss = (w * x).exp().sum()
        loss.backward()
        return loss

    text = ad.compile(step).explain(ad.ones(2))
    assert "ops: multiply x1, exp x1, sum x1" in text
    assert "AccumulateGrad x1" in text and "guards (" in text and "a0._array: shape (2,)" in text
    assert "memory plan:" in text and "graph breaks: none" in text
    assert text in capsys.readouterr().out
    with pytest.warns(UserWarning, match="graph break"):
        broken = ad.compile(lambda x: x * x.sum().item()).explain(ad.ones(2))
    assert "runs eagerly" in broken and "Tensor.item" in broken


def test_a_write_through_a_differentiable_view_breaks_the_graph() -> None:
    def f(x: ad.Tensor) -> ad.Tensor:
        y = x * 1.0
        y[0:1].mul_(3.0)  # rewrites y's history (CopySlices)
        y.sum().backward()
        return x.grad

    compiled = ad.compile(f)
    with pytest.warns(UserWarning, match="graph break: an in-place write through a "
                                         "differentiable view"):
        grad = compiled(ad.ones(3, requires_grad=True))
    assert _same(grad, ad.tensor([3.0, 1.0, 1.0]))


def test_a_module_trained_from_scratch_replays() -> None:
    # nn.Linear's parameters are views of the memory their initialiser drew into: a
    # write into them under no_grad is a plain write, which the replay repeats
    model = nn.Linear(3, 2)
    opt = optim.SGD(model.parameters(), lr=0.1)
    step = ad.compile(_step(model, opt))
    x, y = ad.ones((4, 3)), ad.zeros((4, 2))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for _ in range(4):
            step(x, y)
    assert next(iter(step.cache.values())).replay is not None


def test_a_changed_learning_rate_is_a_guard_miss_not_a_stale_constant() -> None:
    eager_model = _mlp()
    model = copy.deepcopy(eager_model)
    eager_opt = optim.SGD(eager_model.parameters(), lr=0.1, momentum=0.9)
    opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    eager_sched = optim.lr_scheduler.StepLR(eager_opt, step_size=3, gamma=0.5)
    sched = optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.5)
    eager, compiled = _step(eager_model, eager_opt), ad.compile(_step(model, opt))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the retraces may warn
        for x, y in _batches(12):
            assert _same(eager(x, y), compiled(x, y))
            eager_sched.step()
            sched.step()
    for p, q in zip(eager_model.parameters(), model.parameters(), strict=True):
        assert _same(p, q)


@pytest.mark.parametrize("passes", [1, 2])
def test_gradients_zeroed_in_place_replay(backend: str, passes: int) -> None:
    # zero_grad(set_to_none=False) writes zeros into each .grad, and the backward pass
    # then accumulates into it: the replay sums onto the zeroed array and writes the sum
    # back (two passes: the second accumulates onto the first's sum)
    def step(model: nn.Module, opt: optim.Optimizer) -> Callable[..., Any]:
        def run(x: ad.Tensor, y: ad.Tensor) -> ad.Tensor:
            opt.zero_grad(set_to_none=False)
            for _ in range(passes):
                loss = ((model(x) - y) ** 2).mean()
                loss.backward()
            opt.step()
            return loss

        return run

    eager_model = _mlp()
    model = copy.deepcopy(eager_model)
    eager_opt = optim.SGD(eager_model.parameters(), lr=0.1, momentum=0.9)
    opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    eager, compiled = step(eager_model, eager_opt), ad.compile(step(model, opt))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for x, y in _batches(6):
            assert _same(eager(x, y), compiled(x, y))
    for p, q in zip(eager_model.parameters(), model.parameters(), strict=True):
        assert _same(p, q) and _same(p.grad, q.grad)
    assert not [str(w.message) for w in caught if "autodiff.compile" in str(w.message)]
    assert any(entry.replay is not None for entry in compiled.cache.values())


def test_a_schedule_stepped_each_epoch_keeps_replaying() -> None:
    # each changed rate is a guard miss and two traces; a program that settled once is
    # not one whose traces keep differing, however many epochs change the rate
    model = _mlp()
    opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    sched = optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.8)
    compiled = ad.compile(_step(model, opt))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(6):  # epochs
            for x, y in _batches(4):
                compiled(x, y)
            sched.step()
    assert not [str(w.message) for w in caught if "keep differing" in str(w.message)]
    entry = next(iter(compiled.cache.values()))
    assert entry.broken is None and entry.replay is not None


@pytest.mark.parametrize("make", [
    lambda params, lr: optim.SGD(params, lr=lr, momentum=0.9),
    lambda params, lr: optim.Adam(params, lr=lr),
    lambda params, lr: optim.AdamW(params, lr=lr, weight_decay=0.1),
    lambda params, lr: optim.Adamax(params, lr=lr),
    lambda params, lr: optim.NAdam(params, lr=lr, weight_decay=0.1,
                                   decoupled_weight_decay=True),
    lambda params, lr: optim.RAdam(params, lr=lr),
    lambda params, lr: optim.RMSprop(params, lr=lr),
    lambda params, lr: optim.RMSprop(params, lr=lr, momentum=0.5),
    lambda params, lr: optim.Adagrad(params, lr=lr, lr_decay=0.01),
    lambda params, lr: optim.Adadelta(params, lr=lr),
], ids=["SGD", "Adam", "AdamW", "Adamax", "NAdam", "RAdam", "RMSprop", "RMSprop-momentum",
        "Adagrad", "Adadelta"])
def test_a_tensor_learning_rate_follows_a_schedule_stepped_every_call(
        backend: str, make: Callable[..., optim.Optimizer]) -> None:
    # PyTorch's way to change the rate without recompiling: a 0-d tensor the schedule
    # fills in place, which the replay reads afresh (a float rate changed at every call
    # would be a guard miss at every call). Every optimizer but LBFGS (which reads its
    # closure's loss) takes one
    def train(compiled: bool) -> tuple[list[ad.Tensor], nn.Module, Any]:
        ad.manual_seed(0)
        model = _mlp()
        opt = make(model.parameters(), ad.tensor(0.05))
        sched = optim.lr_scheduler.LambdaLR(opt, lambda n: min(1.0, (n + 1) / 5) * 0.9 ** n)
        run = ad.compile(_step(model, opt)) if compiled else _step(model, opt)
        losses = []
        for x, y in _batches(12):
            losses.append(run(x, y))
            sched.step()
        assert isinstance(opt.param_groups[0]["lr"], ad.Tensor)
        return losses, model, run

    eager_losses, eager_model, _ = train(False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        losses, model, run = train(True)
    assert all(_same(a, b) for a, b in zip(eager_losses, losses, strict=True))
    for p, q in zip(eager_model.parameters(), model.parameters(), strict=True):
        assert _same(p, q)
    assert not [str(w.message) for w in caught if "autodiff.compile" in str(w.message)]
    assert any(entry.replay is not None for entry in run.cache.values())


def test_train_and_eval_modes_are_guarded() -> None:
    model = nn.Sequential(nn.Linear(4, 4), nn.BatchNorm1d(4))
    forward = ad.compile(lambda x: model(x))
    x = ad.tensor(np.random.default_rng(0).standard_normal((6, 4)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with ad.no_grad():
            for _ in range(3):
                forward(x)  # train mode: batch statistics, running stats updated
            model.eval()
            for _ in range(3):
                got, want = forward(x), model(x)
                assert _same(got, want)


def test_a_hook_added_after_compiling_is_a_guard_miss() -> None:
    w = ad.tensor([1.0, 2.0], requires_grad=True)

    @ad.compile
    def f(x: ad.Tensor) -> None:
        w.grad = None
        (w * x).sum().backward()

    for _ in range(3):
        f(ad.ones(2))
    w.register_hook(lambda g: g * 10)
    with pytest.warns(UserWarning, match="graph break: backward through a node with hooks"):
        f(ad.ones(2))
    assert _same(w.grad, ad.tensor([10.0, 10.0]))


def test_a_tensor_kept_in_python_state_is_never_replayed_stale() -> None:
    log: dict[str, ad.Tensor] = {}

    def f(x: ad.Tensor) -> ad.Tensor:
        h = x * 2
        log["h"] = h  # read by the caller, not returned: a replay would not update it
        return h.sum()

    compiled = ad.compile(f)
    with pytest.warns(UserWarning, match="outlives the call"):
        for k in range(5):
            compiled(ad.ones(2) * k)
            assert _same(log["h"], ad.ones(2) * 2 * k)


def test_a_recurrent_state_rebound_each_call_stays_eager_and_exact() -> None:
    state = {"h": ad.zeros(2)}

    def f(x: ad.Tensor) -> ad.Tensor:
        state["h"] = state["h"] * 0.5 + x
        return state["h"]

    compiled = ad.compile(f)
    with pytest.warns(UserWarning, match="traces keep differing"):
        outs = [compiled(ad.ones(2)) for _ in range(6)]
    assert _same(outs[-1], ad.ones(2) * (2 - 0.5 ** 5))


def test_a_grad_read_in_python_is_guarded() -> None:
    w = ad.tensor([1.0, 2.0], requires_grad=True)
    w.grad = ad.ones(2)

    @ad.compile
    def f(x: ad.Tensor) -> ad.Tensor:
        g = w.grad
        return x * 2 if g is None else x + g  # Python branches on whether it is set

    for _ in range(3):
        assert _same(f(ad.ones(2)), ad.ones(2) * 2)
    w.grad = None
    assert _same(f(ad.ones(2)), ad.ones(2) * 2)
    w.grad = ad.ones(2) * 5
    assert _same(f(ad.ones(2)), ad.ones(2) * 6)


def test_a_value_decided_shape_breaks_the_graph() -> None:
    def f(x: ad.Tensor) -> ad.Tensor:
        return x[x > 0].mean()  # the mean's count is how many are positive

    compiled = ad.compile(f)
    with pytest.warns(UserWarning, match="output shape depends on its input's values"):
        for values in ([1.0, -1.0, 2.0], [1.0, 3.0, 2.0], [-1.0, -1.0, 4.0]):
            x = ad.tensor(values)
            assert _same(compiled(x), f(x))


def test_compile_decorates_a_method() -> None:
    class Trainer:
        def __init__(self, scale: float) -> None:
            self.w = ad.tensor([1.0, 2.0], requires_grad=True)
            self.scale = scale

        @ad.compile
        def step(self, x: ad.Tensor) -> ad.Tensor:
            self.w.grad = None
            loss = (self.w * x).sum() * self.scale
            loss.backward()
            return self.w.grad

    a, b = Trainer(1.0), Trainer(3.0)
    for _ in range(3):
        assert _same(a.step(ad.ones(2)), ad.ones(2))
        assert _same(b.step(ad.ones(2)), ad.ones(2) * 3)


def test_a_scheduler_stepped_inside_breaks_the_graph() -> None:
    model = _mlp()
    opt = optim.SGD(model.parameters(), lr=0.1)
    sched = optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    inner = _step(model, opt)

    def step(x: ad.Tensor, y: ad.Tensor) -> ad.Tensor:
        loss = inner(x, y)
        sched.step()
        return loss

    compiled = ad.compile(step)
    with pytest.warns(UserWarning, match="LR scheduler stepped inside the function"):
        for x, y in _batches(6):
            compiled(x, y)
    assert opt.param_groups[0]["lr"] == 0.1 * 0.5 ** 3


def test_a_captured_guard_that_keeps_failing_is_named() -> None:
    w = ad.tensor([1.0, 2.0])
    f = ad.compile(lambda x: x * w)
    with pytest.warns(UserWarning, match=r"retraced .*requires_grad is (True|False) \(now false\)"):
        for k in range(40):
            w.requires_grad_(k % 2 == 1)
            with ad.no_grad():
                assert _same(f(ad.ones(2)), w)


def test_another_threads_ops_never_enter_a_trace() -> None:
    import threading

    stop = threading.Event()
    side = ad.ones(3)

    def busy() -> None:
        while not stop.is_set():
            with ad.no_grad():
                side.mul_(1.0)  # an in-place write, in another thread, during the trace

    worker = threading.Thread(target=busy)
    worker.start()
    try:
        f = ad.compile(lambda x: (x * 3).sin())
        for k in range(5):
            x = ad.ones(3) * k
            assert _same(f(x), (x * 3).sin())
    finally:
        stop.set()
        worker.join()
    entry = next(iter(f.cache.values()))
    assert entry.replay is not None and len(entry.program.instrs) == 2
