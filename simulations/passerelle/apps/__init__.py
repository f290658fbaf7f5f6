"""Applications on top of the engine and the model: the command line, comparisons, reports
and sweeps."""
