#!/usr/bin/env bash
# One call on a GPU machine with no network: install, run the suite on cupy, benchmark.
#
#   bash benchmarks/gpu.sh [tests|bench|all|generic] [extra bench.py arguments]
#
# generic: the benchmarks with the primitives' own array rules instead of cupy's.
#
# The machine must already have python3 with cupy, pytest (and pytest-xdist) and,
# for the comparison, torch with CUDA. What it lacks travels as wheels in .whl/
# (array-api-compat, array-api-strict, array-api-extra, and hatchling with
# trove-classifiers to install this project for its backend entry points); they are
# installed into a scratch folder, never over the machine's own packages.
# Logs go to $OUT when it is set (the lending tool's folder that comes back).
set -uo pipefail
cd "$(dirname "$0")/.."
what="${1:-all}"
shift || true
out="${OUT:-/tmp/gpu-out}"
mkdir -p "$out"
site=/tmp/autodiff-site

python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
    --target "$site" .whl/*.whl || exit 1
export PYTHONPATH="$site"
python3 -m pip install -q --no-index --no-deps --no-build-isolation --no-compile \
    --no-cache-dir --upgrade --target "$site" . || exit 1
export PYTHONPATH="$PWD:$site"
nvidia-smi -L
python3 -c "import cupy, numpy, sys; print('python', sys.version.split()[0], 'cupy',
cupy.__version__, 'numpy', numpy.__version__, 'cuda runtime',
cupy.cuda.runtime.runtimeGetVersion())"
python3 -c "import backends; print('cupy backend:', backends.unavailable_reason('cupy'))"

status=0
if [[ "$what" == tests || "$what" == all ]]; then
    # what nox's tests session runs, on the cupy backend (docs pages and docstring
    # examples included), spread over 8 processes
    AUTODIFF_TEST_BACKENDS=cupy python3 -m pytest tests -q -p no:cacheprovider -n 8 \
        --junitxml="$out/cupy-junit.xml" 2>&1 | tee "$out/cupy-tests.log" | tail -40
    status=$(( status | PIPESTATUS[0] ))
fi
if [[ "$what" == bench || "$what" == all ]]; then
    PYTHONUNBUFFERED=1 python3 benchmarks/bench.py --backend cupy --out "$out/bench-cupy.md" \
        "$@" 2>&1 | tee "$out/bench-cupy.log"
    status=$(( status | PIPESTATUS[0] ))
fi
if [[ "$what" == generic ]]; then  # what cupy's own array rules (fused kernels) gain
    PYTHONUNBUFFERED=1 python3 benchmarks/bench.py --backend cupy --generic-rules \
        --out "$out/bench-cupy-generic.md" "$@" 2>&1 | tee "$out/bench-cupy-generic.log"
    status=$(( status | PIPESTATUS[0] ))
fi
exit "$status"
