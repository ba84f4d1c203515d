"""What the dask backend's own tests share. Import it after ``pytest.importorskip``
of dask: it imports dask."""

from __future__ import annotations

from dask.callbacks import Callback


class CountComputes(Callback):  # type: ignore[misc]
    """Counts the graphs dask computes on a local scheduler: ``_start`` runs once at
    the start of each ``compute`` or ``persist``."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def _start(self, dsk: object) -> None:
        self.count += 1
