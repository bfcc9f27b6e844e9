"""The rebinding plugin's own checks, run by tools/ci/check_compat.sh before the suites.

A route must be invisible to callers whether csigmoid's functions are Python-level
functions or np.ufunc objects, so it is tried here in front of NumPy's own ufuncs
(one and two outputs, a two-input one) as well as in front of csigmoid's functions.
"""

import types

import numpy as np
import scipy.special
from csigmoid_rebind import FUNCTIONS, Rebinder, Route

import csigmoid


def route_to(target):
    return Route("expit", scipy.special.expit, target)


class Duck:
    """A minimal array-like that takes over every ufunc call made on it."""

    def __init__(self, value):
        self.value = value

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        unwrapped = [x.value if isinstance(x, Duck) else x for x in inputs]
        return Duck(getattr(ufunc, method)(*unwrapped, **kwargs)), ufunc


def test_route_is_a_ufunc_to_isinstance_exactly_when_its_target_is():
    assert isinstance(route_to(np.exp), np.ufunc)
    assert not isinstance(route_to(lambda x: x), np.ufunc)
    assert isinstance(route_to(csigmoid.expit), np.ufunc) == isinstance(csigmoid.expit, np.ufunc)


def test_route_answers_attribute_reads_with_its_targets():
    route = route_to(np.add)
    assert (route.nin, route.nout, route.types, route.identity) == (
        np.add.nin,
        np.add.nout,
        np.add.types,
        np.add.identity,
    )
    assert route.reduce(np.arange(5.0)) == 10.0
    assert (route.__name__, route.__doc__, repr(route)) == ("add", np.add.__doc__, repr(np.add))


def test_route_passes_every_ufunc_keyword_through():
    x = np.linspace(-3.0, 3.0, 12)
    mask = x > 0
    out = np.full_like(x, -1.0)
    assert route_to(np.exp)(x, out=out, where=mask) is out
    np.testing.assert_array_equal(out, np.where(mask, np.exp(x), -1.0))
    got = route_to(np.exp)(x.astype(np.float32), dtype=np.float64, casting="same_kind")
    assert got.dtype == np.float64
    mantissa, exponent = np.empty_like(x), np.empty(x.shape, np.intc)
    got_mantissa, got_exponent = route_to(np.frexp)(x, out=(mantissa, exponent))
    assert got_mantissa is mantissa and got_exponent is exponent
    np.testing.assert_array_equal(np.ldexp(mantissa, exponent), x)
    masked = np.ma.array([0.0, 1.0, 2.0], mask=[0, 1, 0])
    assert route_to(np.exp)(masked).mask.tolist() == [False, True, False]


def test_route_leaves_array_ufunc_dispatch_to_its_target():
    result, ufunc = route_to(np.exp)(Duck(np.zeros(2)))
    assert ufunc is np.exp
    np.testing.assert_array_equal(result.value, np.ones(2))


def test_route_counts_calls_by_calling_module():
    route = route_to(csigmoid.expit)
    x = np.array([-1.0, 0.0, 1.0])
    np.testing.assert_array_equal(route(x), csigmoid.expit(x))
    route(x, out=x)
    assert route.calls == 2
    assert route.calls_by_caller == {__name__: 2}


def test_rebinder_replaces_scipy_functions_under_any_name_in_new_modules():
    routes = [Route(n, getattr(scipy.special, n), getattr(csigmoid, n)) for n in FUNCTIONS]
    special = types.ModuleType("special")
    special.expit, special.logit, special.erf = (scipy.special.expit, scipy.special.logit, scipy.special.erf)
    early = types.ModuleType("early_importer")
    early.logistic_sigmoid = scipy.special.expit
    modules = {"special": special, "early_importer": early, "empty": None}
    rebinder = Rebinder(routes, modules)

    rebinder.rebind_new_modules()
    assert (special.expit, special.logit, early.logistic_sigmoid) == (routes[0], routes[1], routes[0])
    assert special.erf is scipy.special.erf

    late = types.ModuleType("late_importer")
    late.log_expit = scipy.special.log_expit
    modules["late_importer"] = late
    assert rebinder.modules_holding_scipy() == ["late_importer.log_expit"]
    rebinder.rebind_new_modules()
    assert late.log_expit is routes[2]
    assert rebinder.modules_holding_scipy() == []
