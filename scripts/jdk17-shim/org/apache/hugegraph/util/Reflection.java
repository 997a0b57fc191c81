/*
 * A stand-in for HugeGraph's org.apache.hugegraph.util.Reflection, put
 * before HugeGraph's jars on the class path by scripts/hugegraph-server.sh
 * --auth-proxy.  HugeGraph's own looks for the JDK 8-11 signatures of
 * jdk.internal.reflect.Reflection.register{Fields,Methods}ToFilter(Class,
 * String[]), which JDK 12 changed to (Class, Set<String>); without them the
 * auth proxy (HugeFactoryAuthProxy) cannot be loaded on the JDK 17 we run.
 * This one calls the Set form, so the proxy filters what it filters on JDK 11.
 * Written for hugegraphfs's tests; no HugeGraph code in it.
 */
package org.apache.hugegraph.util;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

public class Reflection {

    private static Method find(String name) {
        try {
            Class<?> c = Class.forName("jdk.internal.reflect.Reflection");
            Method m = c.getMethod(name, Class.class, Set.class);
            m.setAccessible(true);
            return m;
        } catch (Throwable e) {
            return null;
        }
    }

    private static void call(String name, Class<?> clazz, String... names) {
        Method m = find(name);
        if (m == null) {
            return;
        }
        try {
            m.invoke(null, clazz, new HashSet<>(Arrays.asList(names)));
        } catch (Throwable e) {
            // already registered, or the JDK refuses: nothing to filter then
        }
    }

    public static void registerFieldsToFilter(Class<?> clazz, String... names) {
        call("registerFieldsToFilter", clazz, names);
    }

    public static void registerMethodsToFilter(Class<?> clazz, String... names) {
        call("registerMethodsToFilter", clazz, names);
    }

    public static Class<?> loadClass(String clazz) {
        try {
            return Class.forName(clazz);
        } catch (ClassNotFoundException e) {
            throw new RuntimeException(e.getMessage(), e);
        }
    }
}
