"""The two-sided 95% critical value of Student's t distribution, without scipy.

For 1–30 degrees of freedom the value comes from the published table (t₀.₉₇₅,ν to six decimals, as in
any statistics table, e.g. NIST/SEMATECH e-Handbook of Statistical Methods, table 1.3.6.7.2). Above 30
it comes from the Cornish–Fisher expansion of t in powers of 1/ν about the normal quantile z
(Abramowitz & Stegun, Handbook of Mathematical Functions, 26.7.5), which is within 1e-6 of the exact
value there (ν = 40: 2.021075, ν = 120: 1.979930).
"""

from __future__ import annotations

# z: the standard normal quantile for 0.975.
Z_975 = 1.959963984540054

T_975_TABLE = (
    12.706205, 4.302653, 3.182446, 2.776445, 2.570582, 2.446912, 2.364624, 2.306004, 2.262157, 2.228139,
    2.200985, 2.178813, 2.160369, 2.144787, 2.131450, 2.119905, 2.109816, 2.100922, 2.093024, 2.085963,
    2.079614, 2.073873, 2.068658, 2.063899, 2.059539, 2.055529, 2.051831, 2.048407, 2.045230, 2.042272,
)


def t_critical_975(degrees_of_freedom: int) -> float:
    """t such that P(T ≤ t) = 0.975 for T with `degrees_of_freedom` (ν ≥ 1)."""
    if degrees_of_freedom < 1:
        raise ValueError(f"degrees of freedom must be at least 1, got {degrees_of_freedom}")
    if degrees_of_freedom <= len(T_975_TABLE):
        return T_975_TABLE[degrees_of_freedom - 1]
    return _cornish_fisher(Z_975, degrees_of_freedom)


def _cornish_fisher(z: float, nu: int) -> float:
    """A&S 26.7.5: t ≈ z + g₁(z)/ν + g₂(z)/ν² + g₃(z)/ν³ + g₄(z)/ν⁴."""
    g1 = (z**3 + z) / 4
    g2 = (5 * z**5 + 16 * z**3 + 3 * z) / 96
    g3 = (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384
    g4 = (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / 92160
    return z + g1 / nu + g2 / nu**2 + g3 / nu**3 + g4 / nu**4
