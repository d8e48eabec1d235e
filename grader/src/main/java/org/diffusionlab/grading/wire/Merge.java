package org.diffusionlab.grading.wire;

import java.lang.reflect.RecordComponent;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import org.ejml.simple.SimpleMatrix;

/**
 * Copy-back: after a call, what the callee left in an argument is written into the caller's own
 * object, in place where the type allows (a matrix's entries, an array's elements, a list's items, a
 * generator's state), so that a method that updates its inputs behaves as it would in one JVM.
 */
final class Merge {

    private Merge() {}

    /** Whether a value of this kind can change in place (and so is sent back after a call). */
    static boolean isMutable(Object v) {
        return v != null && !(v instanceof String || v instanceof Number || v instanceof Boolean
                || v instanceof Character || v instanceof Enum<?>);
    }

    /**
     * Makes {@code target} hold {@code source}'s content where it can and returns it; otherwise returns
     * {@code source} (the caller then uses the new value).
     */
    static Object into(Object target, Object source) {
        if (target == null || source == null || target == source) {
            return source;
        }
        if (target instanceof SimpleMatrix t && source instanceof SimpleMatrix s) {
            if (t.getNumRows() * t.getNumCols() == s.getNumRows() * s.getNumCols()
                    && t.getNumRows() == s.getNumRows()) {
                t.getDDRM().setTo(s.getDDRM());
                return t;
            }
            return s;
        }
        if (target.getClass().isArray() && target.getClass() == source.getClass()) {
            int n = java.lang.reflect.Array.getLength(target);
            if (n != java.lang.reflect.Array.getLength(source)) {
                return source;
            }
            if (target instanceof Object[] t) {
                Object[] s = (Object[]) source;
                for (int i = 0; i < n; i++) {
                    t[i] = into(t[i], s[i]);
                }
            } else {
                System.arraycopy(source, 0, target, 0, n);
            }
            return target;
        }
        if (target instanceof SplittableRandom t && source instanceof SplittableRandom s) {
            long[] state = Generators.splittableState(s);
            Generators.setSplittable(t, state[0], state[1]);
            return t;
        }
        if (target.getClass() == Random.class && source.getClass() == Random.class) {
            Generators.copyRandom((Random) source, (Random) target);
            return target;
        }
        if (target instanceof List<?> && source instanceof List<?>) {
            @SuppressWarnings("unchecked")
            List<Object> t = (List<Object>) target;
            List<?> s = (List<?>) source;
            try {
                if (t.size() == s.size()) {
                    for (int i = 0; i < t.size(); i++) {
                        Object merged = into(t.get(i), s.get(i));
                        if (merged != t.get(i)) {
                            t.set(i, merged);
                        }
                    }
                } else {
                    t.clear();
                    t.addAll(s);
                }
                return t;
            } catch (UnsupportedOperationException immutable) {
                return source;
            }
        }
        if (target instanceof Map<?, ?> && source instanceof Map<?, ?>) {
            @SuppressWarnings("unchecked")
            Map<Object, Object> t = (Map<Object, Object>) target;
            try {
                if (!t.equals(source)) {
                    t.clear();
                    t.putAll((Map<?, ?>) source);
                }
                return t;
            } catch (UnsupportedOperationException immutable) {
                return source;
            }
        }
        if (target.getClass().isRecord() && target.getClass() == source.getClass()) {
            for (RecordComponent rc : target.getClass().getRecordComponents()) {
                try {
                    var accessor = rc.getAccessor();
                    accessor.setAccessible(true);
                    into(accessor.invoke(target), accessor.invoke(source));
                } catch (ReflectiveOperationException e) {
                    return source;
                }
            }
            return target;
        }
        return source;
    }
}
