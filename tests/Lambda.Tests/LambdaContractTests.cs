using System.Reflection;
using EventBot.EventStore.DynamoDb;

namespace EventBot.Lambda.Tests;

/// <summary>What the managed runtime needs from the handler, and nothing from Amazon.Lambda.*.</summary>
public sealed class LambdaContractTests
{
    [Fact]
    public void No_assembly_the_function_references_is_an_Amazon_Lambda_one()
    {
        var seen = new Dictionary<string, AssemblyName>(StringComparer.Ordinal);
        var pending = new Queue<Assembly>([typeof(ProjectorFunction).Assembly]);
        while (pending.TryDequeue(out var assembly))
        {
            foreach (var reference in assembly.GetReferencedAssemblies())
            {
                if (!seen.TryAdd(reference.Name!, reference)) continue;
                if (reference.Name!.StartsWith("EventBot.", StringComparison.Ordinal)) pending.Enqueue(Assembly.Load(reference));
            }
        }

        Assert.Contains("EventBot.Projections", seen.Keys);
        Assert.Contains("AWSSDK.DynamoDBv2", seen.Keys);
        Assert.DoesNotContain(seen.Keys, name => name.StartsWith("Amazon.Lambda", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(seen.Keys, name => name is "EventBot.Bot" or "EventBot.Discord");
    }

    [Fact]
    public void The_handler_string_resolves_to_a_public_parameterless_type_with_Task_of_Stream_Handle_of_Stream()
    {
        var parts = LambdaContract.Handler.Split("::");
        var assembly = Assembly.Load(new AssemblyName(parts[0]));
        var type = assembly.GetType(parts[1], throwOnError: true)!;
        var method = type.GetMethod(parts[2], BindingFlags.Public | BindingFlags.Instance, [typeof(Stream)]);

        Assert.Equal(typeof(ProjectorFunction), type);
        Assert.True(type.IsPublic && !type.IsAbstract);
        Assert.NotNull(type.GetConstructor(BindingFlags.Public | BindingFlags.Instance, Type.EmptyTypes));
        Assert.NotNull(method);
        Assert.Equal(typeof(Task<Stream>), method.ReturnType);
    }
}
