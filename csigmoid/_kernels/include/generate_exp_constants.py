"""Generate exp_constants.h, beside this file: the constants of the kernels' exponentials.

    python csigmoid/_kernels/include/generate_exp_constants.py          # rewrite the header
    python csigmoid/_kernels/include/generate_exp_constants.py --check  # exit 1 if it differs

e**r on |r| <= h is approximated by 1 + r + r**2 * P(r); P's coefficients
minimise the largest relative error of that sum (a linear Remez exchange in
mpmath at 60 digits), and are then rounded to the kernel's precision.  The
error reported in the header is measured afterwards, with the rounded
coefficients and exact arithmetic (mpmath), on a dense grid of |r| <= h: it
bounds the polynomial alone; each kernel's comment adds its rounding errors.
The tables hold 2**(j/16) as a sum hi + lo, hi = 2**(j/16) rounded to
nearest and lo = the rest rounded to nearest, in double and in float.
ln 2 is split the same way for the argument reduction, with a short hi
(Cody and Waite) so that k * hi is exact for every k the kernels reach.
"""

import argparse
import pathlib
import sys

import mpmath as mp
import numpy as np

mp.mp.dps = 60
HEADER = pathlib.Path(__file__).resolve().parent / "exp_constants.h"
GENERATOR = "csigmoid/_kernels/include/generate_exp_constants.py"
LN2 = mp.log(2)

# (C name, precision in bits, half-width of the interval, degree of e**r's polynomial).
# The half-widths carry 2**-10 relative slack over the ideal ln2/2 and ln2/32: the
# reduction's k comes from a rounded a*log2(e), so |r| can exceed the ideal bound
# by a few ulps of a; the slack covers that many times over.
POLYNOMIALS = [
    ("CSIGMOID_EXP_F32", 24, LN2 / 2, 6),
    ("CSIGMOID_EXP_F64", 53, LN2 / 2, 11),
    ("CSIGMOID_EXP16_F64", 53, LN2 / 32, 6),
    ("CSIGMOID_EXP16_F32", 24, LN2 / 32, 3),
]
SLACK = 1 + mp.mpf(2) ** -10
TABLE_SIZE = 16


def relative_error(coefficients, r):
    """(1 + r + r**2 P(r)) / e**r - 1, exactly for the given coefficients."""
    value = mp.mpf(0)
    for c in reversed(coefficients):
        value = value * r + c
    return (1 + r + r * r * value) / mp.exp(r) - 1


def remez(h, count, iterations=30):
    """The `count` coefficients of P minimising max |(1 + r + r**2 P(r)) / e**r - 1| on [-h, h].

    The error is linear in the coefficients: sum c_i r**(i+2) e**-r - g(r),
    g(r) = 1 - (1 + r) e**-r, so the classic exchange applies: solve for
    equal alternating errors at count + 1 points, move the points to the
    extrema of the new error, repeat until the extrema are level.
    """
    points = [h * mp.cos(mp.pi * (count - i) / count) for i in range(count + 1)]
    points = [p if p != 0 else h / (4 * count) for p in points]  # the error is 0 at r = 0 anyway
    grid = [h * mp.mpf(2 * i - 4000) / 4000 for i in range(4001)]
    coefficients = None
    for _ in range(iterations):
        matrix = mp.matrix(count + 1, count + 1)
        target = mp.matrix(count + 1, 1)
        for row, r in enumerate(points):
            for i in range(count):
                matrix[row, i] = r ** (i + 2) * mp.exp(-r)
            matrix[row, count] = (-1) ** row
            target[row] = 1 - (1 + r) * mp.exp(-r)
        solution = mp.lu_solve(matrix, target)
        coefficients = [solution[i] for i in range(count)]
        errors = [relative_error(coefficients, r) for r in grid]
        # one extremum per run of equal sign, then the count + 1 largest alternating ones
        extrema, best = [], 0
        for i in range(1, len(grid)):
            if mp.sign(errors[i]) != mp.sign(errors[best]) and errors[i] != 0:
                extrema.append(best)
                best = i
            elif abs(errors[i]) > abs(errors[best]):
                best = i
        extrema.append(best)
        while len(extrema) > count + 1:
            drop = 0 if abs(errors[extrema[0]]) < abs(errors[extrema[-1]]) else -1
            extrema.pop(drop)
        if len(extrema) < count + 1:
            break
        points = [grid[i] for i in extrema]
        levels = [abs(errors[i]) for i in extrema]
        if max(levels) / min(levels) < 1 + mp.mpf(10) ** -6:
            break
    return coefficients


def round_to(value, bits):
    """value rounded to nearest with a `bits`-bit significand (binary32/binary64, normal range)."""
    if value == 0:
        return mp.mpf(0)
    exponent = mp.floor(mp.log(abs(value), 2)) + 1 - bits
    return mp.nint(value / mp.mpf(2) ** exponent) * mp.mpf(2) ** exponent


def truncate_to(value, bits):
    """value cut (toward zero) to a `bits`-bit significand."""
    exponent = mp.floor(mp.log(abs(value), 2)) + 1 - bits
    return mp.floor(abs(value) / mp.mpf(2) ** exponent) * mp.mpf(2) ** exponent * mp.sign(value)


def c_literal(value, bits):
    """The shortest decimal that reads back as this binary32/binary64 value
    (Python's and NumPy's repr are exactly that)."""
    text = str(np.float32(float(value))) if bits == 24 else repr(float(value))
    return text + ("f" if bits == 24 else "")


def measured_error(coefficients, h):
    grid = [h * mp.mpf(2 * i - 20000) / 20000 for i in range(20001)]
    return max(abs(relative_error(coefficients, r)) for r in grid)


def generate():
    lines = [
        f"/* Generated by {GENERATOR}: do not edit by hand.",
        " *",
        " * NAME_C0, NAME_C1, ...: the coefficients of P in e**r ~= 1 + r + r**2 P(r),",
        " * P(r) = C0 + C1 r + ..., on |r| <= h; the comment above each set gives h and",
        " * the largest relative error of that sum with these rounded coefficients,",
        " * measured with mpmath at 20001 points of [-h, h] (exact arithmetic: the",
        " * kernels' own roundings are accounted for where they are used). */",
        "#ifndef CSIGMOID_EXP_CONSTANTS_H",
        "#define CSIGMOID_EXP_CONSTANTS_H",
        "",
    ]
    for name, bits, h, degree in POLYNOMIALS:
        h = h * SLACK
        rounded = [round_to(c, bits) for c in remez(h, degree - 1)]
        log2_error = mp.log(measured_error(rounded, h), 2)
        kind = "float" if bits == 24 else "double"
        lines.append(
            f"/* {kind}, degree {degree}, |r| <= {mp.nstr(h, 8)}: "
            f"relative error 2**{mp.nstr(log2_error, 4)} */"
        )
        lines += [f"#define {name}_C{i} {c_literal(c, bits)}" for i, c in enumerate(rounded)]
        lines.append("")
    # ln2 = HI + LO: HI is ln2 cut to hi_bits significant bits (fdlibm's
    # split), so k * HI is exact while k has at most bits - hi_bits bits
    # (|k| < 2**21 in double, 2**8 in float: every exponent the kernels
    # reach), and LO = ln2 - HI rounded to nearest.
    for kind, bits, hi_bits in (("F64", 53, 32), ("F32", 24, 16)):
        hi = truncate_to(LN2, hi_bits)
        lo = round_to(LN2 - hi, bits)
        lines.append(
            f"/* ln2 = LN2_HI + LN2_LO ({'double' if bits == 53 else 'float'}): LN2_HI has {hi_bits} "
            f"significant bits, k * LN2_HI is exact for |k| < 2**{bits - hi_bits} */"
        )
        lines.append(f"#define CSIGMOID_LN2_HI_{kind} {c_literal(hi, bits)}")
        lines.append(f"#define CSIGMOID_LN2_LO_{kind} {c_literal(lo, bits)}")
        lines.append("")
    for kind, bits in (("F64", 53), ("F32", 24)):
        hi, lo = [], []
        for j in range(TABLE_SIZE):
            value = mp.mpf(2) ** (mp.mpf(j) / TABLE_SIZE)
            hi.append(round_to(value, bits))
            lo.append(round_to(value - hi[-1], bits))
        lines.append(
            f"/* 2**(j/{TABLE_SIZE}) = HI[j] + LO[j], each rounded to nearest "
            f"({'double' if bits == 53 else 'float'}) */"
        )
        for part, values in (("HI", hi), ("LO", lo)):
            lines.append(f"#define CSIGMOID_EXP2_TABLE_{part}_{kind} {{ \\")
            for start in range(0, TABLE_SIZE, 4):
                chunk = ", ".join(c_literal(v, bits) for v in values[start : start + 4])
                lines.append(f"    {chunk}, \\")
            lines.append("}")
        lines.append("")
    lines += ["#endif", ""]
    return "\n".join(lines)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--check", action="store_true", help=f"compare with {HEADER.name} instead of writing it"
    )
    args = parser.parse_args(argv)
    text = generate()
    if args.check:
        if HEADER.read_text() != text:
            print(f"{HEADER} differs from what {GENERATOR} generates", file=sys.stderr)
            return 1
        print(f"{HEADER.name} is up to date")
        return 0
    HEADER.write_text(text)
    print(f"wrote {HEADER}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
