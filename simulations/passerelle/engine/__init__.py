"""The engine: people as arrays, modules stepped each month, random streams, results.

It knows nothing of the model's modules, of scenario files or of the command line.
"""
