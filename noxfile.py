"""Sessions: tests per backend, lint, typecheck, docs. ``nox --list`` shows them.

Dependencies come from pyproject.toml (its dependency groups and extras), never
repeated here. ``nox`` alone runs lint, typecheck and the tests on every backend
usable on this machine (cupy only where a GPU answers).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import nox

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "venv"

PYPROJECT = nox.project.load_toml("pyproject.toml")
BACKENDS = ["numpy", "array_api_strict", "cupy", "dask"]
EXTRAS = {"numpy": "", "array_api_strict": "[strict]", "cupy": "[cupy]", "dask": "[dask]"}


def _gpu_usable() -> bool:
    if shutil.which("nvidia-smi") is None:
        return False
    probe = subprocess.run(["nvidia-smi", "-L"], capture_output=True, text=True, check=False)
    return probe.returncode == 0 and "GPU" in probe.stdout


DEFAULT_BACKENDS = [b for b in BACKENDS if b != "cupy" or _gpu_usable()]
# What a backend's session runs when given no arguments: the whole suite, but on dask,
# whose graphs cost about a millisecond an op to build (ten times the numpy session in
# all, the training tutorials and long recurrences above all), the conformance suite of
# every primitive and dask's own tests (laziness, training, a LocalCluster). The whole
# suite on dask: nox -s "tests(backend='dask')" -- tests
DEFAULT_PATHS = {"dask": ["tests/conformance", "tests/test_dask.py",
                          "tests/test_dask_training.py", "tests/test_dask_distributed.py"]}
nox.options.sessions = (["lint", "typecheck"] + [f"tests(backend='{b}')" for b in DEFAULT_BACKENDS]
                        + ["plugin"])
PLUGIN = "tests/plugins/autodiff_pure_strict"


@nox.session
@nox.parametrize("backend", BACKENDS)
def tests(session: nox.Session, backend: str) -> None:
    """Run the test suite, docs examples and docstring examples on one backend."""
    session.install("-e", f".{EXTRAS[backend]}")
    session.install(*nox.project.dependency_groups(PYPROJECT, "test"))
    # the suite picks its backend through the fixture, for the docs pages and the
    # docstring examples too (tests/test_docs.py)
    args = session.posargs or DEFAULT_PATHS.get(backend, ["tests"])
    session.run("pytest", *args, env={"AUTODIFF_TEST_BACKENDS": backend})


@nox.session
def plugin(session: nox.Session) -> None:
    """Install the out-of-tree example backend (its own package, as a user's would be)
    and run the whole suite on it with the xfails it declares, then numpy's suite with
    it installed (a plugin must not disturb the built-in backends)."""
    session.install("-e", ".[strict]")
    session.install(*nox.project.dependency_groups(PYPROJECT, "test"))
    session.install("-e", PLUGIN)
    session.run("pytest", "tests", *session.posargs,
                env={"AUTODIFF_TEST_BACKENDS": "pure_strict"})
    session.run("pytest", "tests", *session.posargs,
                env={"AUTODIFF_TEST_BACKENDS": "numpy"})


@nox.session
def lint(session: nox.Session) -> None:
    """Check style and imports with ruff."""
    session.install(*nox.project.dependency_groups(PYPROJECT, "lint"))
    session.run("ruff", "check", ".")


@nox.session
def typecheck(session: nox.Session) -> None:
    """Type-check the engine and the backends with mypy."""
    session.install("-e", ".")
    session.install(*nox.project.dependency_groups(PYPROJECT, "typecheck"))
    session.run("mypy")


@nox.session
def bench(session: nox.Session) -> None:
    """Time autodiff against hand-written numpy (and PyTorch when installed)."""
    session.install("-e", ".")
    session.run("python", "benchmarks/bench.py", *session.posargs)
    session.run("python", "benchmarks/per_op.py")


@nox.session
def docs(session: nox.Session) -> None:
    """Build the documentation with Sphinx (its examples run in the tests session)."""
    session.install("-e", ".")
    session.install(*nox.project.dependency_groups(PYPROJECT, "docs"))
    session.run("sphinx-build", "-W", "-b", "html", "docs", "docs/_build/html")


@nox.session(default=False)
def array_api_tests(session: nox.Session) -> None:
    """Run the official Array API test suite (data-apis/array-api-tests) on autodiff.

    Give the suite's checkout (with its array-api submodule) as the first argument,
    ``nox -s array_api_tests -- /path/to/array-api-tests [pytest options]``, or as
    ``ARRAY_API_TESTS_DIR``. The backend is ``AUTODIFF_BACKEND`` (numpy unless set).
    Known deviations: tests/xfails/array-api-tests.txt. Not a default session.
    """
    args = list(session.posargs)
    location = args.pop(0) if args and not args[0].startswith("-") else os.environ.get(
        "ARRAY_API_TESTS_DIR")
    if not location:
        session.skip("array-api-tests location not given: pass it as the first argument "
                     "(nox -s array_api_tests -- /path/to/array-api-tests) or set "
                     "ARRAY_API_TESTS_DIR; get the suite with `git clone --recursive "
                     "https://github.com/data-apis/array-api-tests`")
    suite = Path(location).resolve()
    if not (suite / "array_api_tests").is_dir():
        session.error(f"{suite} is not a checkout of array-api-tests (no array_api_tests/ "
                      "folder in it)")
    xfails = Path(__file__).resolve().parent / "tests" / "xfails" / "array-api-tests.txt"
    session.install("-e", ".[strict]")
    session.install("-r", str(suite / "requirements.txt"))
    session.chdir(str(suite))
    session.run(
        "pytest", "array_api_tests", "-p", "no:cacheprovider", "--max-examples=20",
        "--hypothesis-seed=0", "--disable-deadline", f"--xfails-file={xfails}", *args,
        env={"ARRAY_API_TESTS_MODULE": "autodiff",
             "AUTODIFF_BACKEND": os.environ.get("AUTODIFF_BACKEND", "numpy")},
    )


@nox.session(default=False)
def torch_oracle(session: nox.Session) -> None:
    """Check autodiff against PyTorch's own op database (OpInfo ``op_db``).

    Installs ``torch==2.13.0`` into the session only (torch is never a dependency of
    autodiff) and runs ``tools/torch_oracle.py``: a per-op table and a last line with the
    counts. Options pass through: ``nox -s torch_oracle -- --ops add,linalg.solve
    --backend array_api_strict --json oracle.json``. Known deviations:
    tests/xfails/torch_oracle.txt. Skipped, with the reason, where torch cannot be installed.
    Not a default session.
    """
    session.install("-e", ".[strict]")
    try:
        # the exact spec matters: any other resolves to a multi-gigabyte CUDA build
        session.install("torch==2.13.0", "expecttest", silent=True)
    except nox.command.CommandFailed as exc:
        session.skip(f"torch==2.13.0 could not be installed here ({exc.reason or 'pip failed'});"
                     " the oracle needs PyTorch's op database")
    session.run("python", "tools/torch_oracle.py", *session.posargs)
