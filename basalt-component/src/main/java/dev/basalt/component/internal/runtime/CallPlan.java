package dev.basalt.component.internal.runtime;

import dev.basalt.component.ComponentFuncType;
import dev.basalt.component.ValueType;
import java.util.List;

/**
 * What the canonical ABI needs of a function type on every call, worked out once: the parameter and result types
 * as lists, and whether each side is passed flat or spilled to memory (CanonicalABI.md {@code flatten_functype}:
 * more than {@link CanonicalAbi#MAX_FLAT_PARAMS} parameter values or {@link CanonicalAbi#MAX_FLAT_RESULTS} result
 * values go through a pointer), with each side's {@link Layout} as a tuple (sizes, alignments, field offsets and
 * flattenings of every type in it, which lifting and lowering follow). Made when a function is lifted or lowered
 * (by an instantiation plan once for all its instances), not per call.
 */
record CallPlan(List<ValueType> params, List<ValueType> results, boolean paramsFlat, boolean resultsFlat,
        Layout paramTuple, Layout resultTuple) {

    static CallPlan of(ComponentFuncType type) {
        List<ValueType> params = type.paramTypes();
        List<ValueType> results = type.resultTypes();
        return new CallPlan(params, results,
                CanonicalAbi.flattenTypes(params, CanonicalAbi.MAX_FLAT_PARAMS) != null,
                CanonicalAbi.flattenTypes(results, CanonicalAbi.MAX_FLAT_RESULTS) != null,
                Layout.tupleOf(params), Layout.tupleOf(results));
    }
}
