using System.Reflection;
using System.Reflection.Emit;

namespace EventBot.Projections.Tests.Architecture;

/// <summary>
/// Which namespaces of an assembly use which others: from every type's signatures (base type, interfaces, fields,
/// properties, method and constructor signatures, attributes' types) and from the tokens in its method bodies (calls,
/// field accesses, type tokens), compiler-generated closures and state machines included.
/// </summary>
public static class NamespaceDependencies
{
    private const BindingFlags Declared = BindingFlags.DeclaredOnly | BindingFlags.Public | BindingFlags.NonPublic |
        BindingFlags.Instance | BindingFlags.Static;

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>Edges between namespaces of <paramref name="assembly"/> that start with <paramref name="prefix"/>.</summary>
    public static IReadOnlyDictionary<string, HashSet<string>> Of(Assembly assembly, string prefix)
    {
        var edges = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var type in assembly.GetTypes())
        {
            var from = NamespaceOf(type);
            if (from is null || !from.StartsWith(prefix, StringComparison.Ordinal)) continue;
            var uses = edges.TryGetValue(from, out var set) ? set : edges[from] = new HashSet<string>(StringComparer.Ordinal);
            foreach (var used in UsedTypes(type))
            {
                if (used.Assembly != assembly || NamespaceOf(used) is not { } to || to == from) continue;
                if (to.StartsWith(prefix, StringComparison.Ordinal)) uses.Add(to);
            }
        }
        return edges;
    }

    /// <summary>A cycle in <paramref name="edges"/> as "A -> B -> A", or null.</summary>
    public static string? FindCycle(IReadOnlyDictionary<string, HashSet<string>> edges)
    {
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 on the path, 2 done
        var path = new List<string>();
        string? Visit(string node)
        {
            state[node] = 1;
            path.Add(node);
            foreach (var next in edges.GetValueOrDefault(node) ?? [])
            {
                if (state.GetValueOrDefault(next) == 1) return string.Join(" -> ", path.SkipWhile(n => n != next).Append(next));
                if (state.GetValueOrDefault(next) == 0 && Visit(next) is { } cycle) return cycle;
            }
            path.RemoveAt(path.Count - 1);
            state[node] = 2;
            return null;
        }
        foreach (var node in edges.Keys.Order(StringComparer.Ordinal))
        {
            if (state.GetValueOrDefault(node) == 0 && Visit(node) is { } cycle) return cycle;
        }
        return null;
    }

    private static string? NamespaceOf(Type type)
    {
        while (type.DeclaringType is { } outer) type = outer;
        return type.Namespace;
    }

    private static IEnumerable<Type> UsedTypes(Type type)
    {
        var found = new List<Type>();
        void Add(Type? t)
        {
            if (t is null) return;
            if (t.HasElementType) Add(t.GetElementType());
            if (t.IsGenericType && !t.IsGenericTypeDefinition)
            {
                Add(t.GetGenericTypeDefinition());
                foreach (var a in t.GetGenericArguments()) Add(a);
                return;
            }
            if (!t.IsGenericParameter) found.Add(t);
        }
        Add(type.BaseType);
        foreach (var i in type.GetInterfaces()) Add(i);
        foreach (var a in type.CustomAttributes) Add(a.AttributeType);
        foreach (var f in type.GetFields(Declared)) Add(f.FieldType);
        foreach (var p in type.GetProperties(Declared)) Add(p.PropertyType);
        foreach (var m in type.GetMethods(Declared).Cast<MethodBase>().Concat(type.GetConstructors(Declared)))
        {
            if (m is MethodInfo mi) Add(mi.ReturnType);
            foreach (var p in m.GetParameters()) Add(p.ParameterType);
            foreach (var t in BodyTypes(m)) Add(t);
        }
        return found;
    }

    /// <summary>Declaring types of the members and the types that a method body's IL refers to.</summary>
    private static IEnumerable<Type?> BodyTypes(MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null) yield break;
        var typeArgs = method.DeclaringType is { IsGenericType: true } d ? d.GetGenericArguments() : null;
        var methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (var i = 0; i < il.Length;)
        {
            short value = il[i++];
            if (value == 0xFE) value = unchecked((short)(0xFE00 | il[i++]));
            if (!OpCodesByValue.TryGetValue(value, out var op)) yield break; // not IL we can read: stop here
            var size = op.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + (4 * BitConverter.ToInt32(il, i)),
                _ => 4,
            };
            if (op.OperandType is OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineType or OperandType.InlineTok)
            {
                var token = BitConverter.ToInt32(il, i);
                MemberInfo? member;
                try
                {
                    member = method.Module.ResolveMember(token, typeArgs, methodArgs);
                }
                catch (ArgumentException)
                {
                    member = null;
                }
                if (member is Type t) yield return t;
                else if (member is not null) yield return member.DeclaringType;
                if (member is MethodInfo { IsGenericMethod: true } generic)
                {
                    foreach (var a in generic.GetGenericArguments()) yield return a;
                }
            }
            i += size;
        }
    }
}
