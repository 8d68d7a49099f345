"""Studies built on the engine and the campaign: coverage maps (:mod:`.coverage`),
exposure of friendly flights (:mod:`.exposure`), placement optimisation
(:mod:`.placement`), uncertainty and sensitivity (:mod:`.uncertainty`), replays of
stored replications (:mod:`.replay`) and engagement envelopes (:mod:`.envelope`).

Nothing below this package imports it (the architecture contract in pyproject.toml),
so studies are left out of the numba cache key (:mod:`airguard._jit`).
"""
