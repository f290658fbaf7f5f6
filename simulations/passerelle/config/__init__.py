"""Configuration: scenario files, parameter types and their provenance, sourced figures,
the synthetic population and the calibration targets. It assembles a run from the model."""
