"""``History``: what ``fit`` measured, one entry per epoch, and what it noticed on the way."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["History"]


@dataclass
class History:
    """What ``fit`` measured, one entry per epoch.

    Attributes:
        loss: the mean per-sample loss over the epoch's steps (without the l2 penalty).
        accuracy: the fraction of training samples classified correctly after the epoch;
            measured when the loss declares a classification kind ("binary", as
            ``hinge_loss`` and ``binary_cross_entropy`` do, or "multiclass", as
            ``cross_entropy`` does; see ``nn.losses.kind_of``), and left empty for
            regression (``mse_loss``) and losses that declare no kind.
        val_loss, val_accuracy: the same on ``validation_data`` after each epoch; empty
            when ``fit`` got none.
        best_epoch: the epoch (1, 2, ...) with the lowest validation loss, or the lowest
            training loss without validation data; None before the first epoch.
        stopped_early: True when ``patience`` ran out and the best parameters were restored.
        warnings: what ``fit`` warned about during the run (also sent through ``warnings``).

    The repr is short: the number of epochs, the last and the best values.

    >>> History(loss=[0.5, 0.25]).epochs
    2
    >>> History(loss=[0.5, 0.25, 0.3], val_loss=[0.6, 0.4, 0.45], best_epoch=2)
    History(epochs=3, loss=0.3, val_loss=0.45, best_epoch=2, best_val_loss=0.4)
    """

    loss: list[float] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_accuracy: list[float] = field(default_factory=list)
    best_epoch: int | None = None
    stopped_early: bool = False
    warnings: list[str] = field(default_factory=list)

    @property
    def epochs(self) -> int:
        """How many epochs ran."""
        return len(self.loss)

    def __repr__(self) -> str:
        parts = [f"epochs={self.epochs}"]
        for name in ("loss", "accuracy", "val_loss", "val_accuracy"):
            values: list[float] = getattr(self, name)
            if values:
                parts.append(f"{name}={values[-1]:.4g}")
        best = self.best_epoch
        if best is not None and 1 <= best <= self.epochs:
            parts.append(f"best_epoch={best}")
            name = "val_loss" if self.val_loss else "loss"
            parts.append(f"best_{name}={getattr(self, name)[best - 1]:.4g}")
        if self.stopped_early:
            parts.append("stopped_early=True")
        if self.warnings:
            parts.append(f"warnings={len(self.warnings)}")
        return f"History({', '.join(parts)})"
