"""The splitmix64 step of src/rng.c in Python (shared by curation_ref.py and
lcbt_ref.py, whose references reproduce the server's seeded streams)."""

M64 = (1 << 64) - 1


def splitmix64(state):
    """One splitmix64 step: the new state and the 64-bit output"""
    state = (state + 0x9E3779B97F4A7C15) & M64
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return state, z ^ (z >> 31)
