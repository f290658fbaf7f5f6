"""The five steps of the access cascade (Levesque, Harris & Russell 2013), in order, as the
simulator names them: a constant of its own module, which imports nothing, so that a
course notebook reads it without loading the engine's kernels (numba)."""

STEPS = ("perceive", "seek", "reach", "pay", "engage")
