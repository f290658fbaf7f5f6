"""Likelihood-free calibration (pyabc's ABC-SMC) of the free parameters against the
calibration targets: ``priors`` (the free parameters and their provenance), ``abc`` (the
run on Dask, resumable, and the posterior ensemble file), ``report`` (marginals, pairs,
identification)."""
