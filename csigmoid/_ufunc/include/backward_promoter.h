/* How sigmoid_backward's two inputs of different types are promoted.
 *
 * NumPy asks a ufunc's promoter which loop to run when no loop is registered
 * for the exact input types.  Without one it would take the first loop both
 * inputs cast to safely, in the order the loops were registered: whatever
 * that order, some pair comes out in a type of its own (float32 first makes
 * int8 with int16 float32; float16 first makes it float16; float64 first
 * makes a float32 array with a Python float float64).  This promoter gives
 * NumPy's own result type instead (np.result_type, with Python numbers weak
 * as in NumPy's arithmetic), except that integers and bool are computed in
 * float64, as csigmoid's one-type integer loops do.
 *
 * Needs NumPy's 2.0 C API (PyUFunc_AddPromoter, PyArray_CommonDType).
 */
#ifndef CSIGMOID_PROMOTION_H
#define CSIGMOID_PROMOTION_H

#include <Python.h>
#include <numpy/arrayobject.h>
#include <numpy/ufuncobject.h>
#include <numpy/dtype_api.h>

/* The loop type for a promoted type: integers and bool compute in float64
 * (new reference). */
static PyArray_DTypeMeta *csigmoid_loop_dtype(PyArray_DTypeMeta *promoted)
{
    if (PyTypeNum_ISBOOL(promoted->type_num) || PyTypeNum_ISINTEGER(promoted->type_num)) {
        promoted = &PyArray_DoubleDType;
    }
    Py_INCREF(promoted);
    return promoted;
}

static int csigmoid_backward_promoter(PyObject *ufunc, PyArray_DTypeMeta *const op_dtypes[],
                                      PyArray_DTypeMeta *const signature[],
                                      PyArray_DTypeMeta *new_op_dtypes[])
{
    PyArray_DTypeMeta *chosen = NULL;
    PyArray_DTypeMeta *common;
    int i;
    (void)ufunc;
    /* a type fixed by the caller (signature=, dtype=) is the type of the loop */
    for (i = 0; i < 3 && chosen == NULL; i++) {
        if (signature[i] != NULL) {
            chosen = signature[i];
            Py_INCREF(chosen);
        }
    }
    if (chosen == NULL && op_dtypes[0] != NULL && op_dtypes[1] != NULL) {
        common = PyArray_CommonDType(op_dtypes[0], op_dtypes[1]);
        if (common == NULL) {
            /* no common type (a string with a float, ...): no loop fits, and
             * NumPy says so naming the function */
            PyErr_Clear();
            chosen = op_dtypes[0];
            Py_INCREF(chosen);
        }
        else {
            chosen = csigmoid_loop_dtype(common);
            Py_DECREF(common);
        }
    }
    /* A reduction (reduce, accumulate, reduceat) passes NULL for the first
     * input and the output unless out= gives them: promote the type it has. */
    for (i = 0; i < 3 && chosen == NULL; i++) {
        if (op_dtypes[i] != NULL) {
            chosen = csigmoid_loop_dtype(op_dtypes[i]);
        }
    }
    if (chosen == NULL) {
        PyErr_SetString(PyExc_TypeError, "sigmoid_backward: no operand type to choose a loop from");
        return -1;
    }
    for (i = 0; i < 3; i++) {
        Py_INCREF(chosen);
        new_op_dtypes[i] = chosen;
    }
    Py_DECREF(chosen);
    return 0;
}

/* Register the promoter on sigmoid_backward, for every input types without
 * a loop of their own; 0 on success, -1 with an exception set. */
static int csigmoid_add_backward_promoter(PyObject *ufunc)
{
    int result;
    PyObject *dtypes = PyTuple_Pack(3, Py_None, Py_None, Py_None);
    PyObject *promoter = PyCapsule_New((void *)&csigmoid_backward_promoter,
                                       "numpy._ufunc_promoter", NULL);
    if (dtypes == NULL || promoter == NULL) {
        Py_XDECREF(dtypes);
        Py_XDECREF(promoter);
        return -1;
    }
    result = PyUFunc_AddPromoter(ufunc, dtypes, promoter);
    Py_DECREF(dtypes);
    Py_DECREF(promoter);
    return result;
}

#endif
