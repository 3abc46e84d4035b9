using System.CommandLine;
using System.Reflection;
using System.Text.Json;
using EventBot.Bot.Hosting;
using EventBot.EventStore.DynamoDb;

namespace EventBot.Bot.Cli;

/// <summary>
/// <c>lambda invoke &lt;file|-&gt;</c>: runs the Lambda projector on a DynamoDB Streams event locally, exactly as the
/// managed runtime would (the handler string, the public parameterless constructor, <c>Handle(Stream)</c>), with the
/// same environment variables (EVENTBOT_TABLE_PREFIX, AWS_REGION, AWS_ENDPOINT_URL…). Prints the function's answer;
/// exits 1 when it reports a failed record.
/// </summary>
public static class LambdaVerb
{
    public static Command Create()
    {
        var lambda = new Command("lambda", "The AWS Lambda functions: the projector (handler " + LambdaContract.Handler + ") and the interaction functions.");
        var file = new Argument<string>("event") { Description = "The event file ({\"Records\":[...]} for a batch handler, a Function URL request for the interactions endpoint), or - for standard input." };
        var handlerOption = new Option<string>("--handler")
        {
            Description = "The handler string (Assembly::Type::Method), default the projector's; the interaction functions' are in the README. Run from the folder their assembly was published to.",
            DefaultValueFactory = _ => LambdaContract.Handler,
        };
        var invoke = new Command("invoke", "Run a Lambda handler locally on one event and print its answer (the projector unless --handler says otherwise).") { file, handlerOption };
        invoke.SetAction((result, ct) => Cli.GuardAsync(async () =>
        {
            BotHost.CheckSettings();
            var path = result.GetValue(file)!;
            var input = path == "-" ? await ReadAllAsync(Console.OpenStandardInput(), ct) : await File.ReadAllBytesAsync(path, ct);
            var handler = LambdaHandler.Resolve(result.GetValue(handlerOption)!);
            using var answer = new StreamReader(await handler.InvokeAsync(new MemoryStream(input, writable: false)));
            var json = await answer.ReadToEndAsync(ct);
            Console.WriteLine(json);
            using var parsed = JsonDocument.Parse(json);
            if (parsed.RootElement.TryGetProperty("statusCode", out var status))
                return status.GetInt32() is >= 200 and < 300 ? 0 : Cli.Fail($"the function answered HTTP {status.GetInt32()}");
            var failures = parsed.RootElement.GetProperty("batchItemFailures");
            return failures.GetArrayLength() == 0
                ? 0
                : Cli.Fail($"record {failures[0].GetProperty("itemIdentifier").GetString()} failed; it and the records after it were not applied");
        }));
        lambda.Subcommands.Add(invoke);
        return lambda;
    }

    private static async Task<byte[]> ReadAllAsync(Stream stream, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, ct);
        return buffer.ToArray();
    }
}

/// <summary>
/// A handler string (<c>Assembly::Namespace.Type::Method</c>) resolved the way the Lambda .NET managed runtime does:
/// load the assembly, create the type with its public parameterless constructor, find <c>Method(Stream)</c>
/// returning <c>Task&lt;Stream&gt;</c>.
/// </summary>
public sealed class LambdaHandler
{
    private readonly object _instance;
    private readonly MethodInfo _method;

    private LambdaHandler(object instance, MethodInfo method)
    {
        _instance = instance;
        _method = method;
    }

    public static LambdaHandler Resolve(string handler)
    {
        var parts = handler.Split("::");
        if (parts.Length != 3 || parts.Any(string.IsNullOrWhiteSpace))
            throw new FormatException($"Handler '{handler}' is not Assembly::Type::Method.");
        var assembly = Load(parts[0]);
        var type = assembly.GetType(parts[1], throwOnError: true)!;
        var method = type.GetMethod(parts[2], BindingFlags.Public | BindingFlags.Instance, [typeof(Stream)])
            ?? throw new MissingMethodException($"{parts[1]} has no public {parts[2]}(Stream).");
        if (method.ReturnType != typeof(Task<Stream>))
            throw new MissingMethodException($"{parts[1]}.{parts[2]}(Stream) returns {method.ReturnType}, not Task<Stream>.");
        object instance;
        try
        {
            instance = Activator.CreateInstance(type)!;
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            // The constructor's own failure (e.g. no region), as the runtime reports an init error.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
            throw;
        }
        return new LambdaHandler(instance, method);
    }

    /// <summary>
    /// By name, as the runtime does; failing that, from this program's folder (a function published beside the bot,
    /// such as EventBot.Interactions.Lambda, which references the bot and so is not in the bot's own dependencies),
    /// with that folder resolving its dependencies too.
    /// </summary>
    private static Assembly Load(string name)
    {
        try
        {
            return Assembly.Load(new AssemblyName(name));
        }
        catch (FileNotFoundException)
        {
            var path = Path.Combine(AppContext.BaseDirectory, name + ".dll");
            if (!File.Exists(path)) throw;
            System.Runtime.Loader.AssemblyLoadContext.Default.Resolving += (context, dependency) =>
                Path.Combine(AppContext.BaseDirectory, dependency.Name + ".dll") is var file && File.Exists(file) ? context.LoadFromAssemblyPath(file) : null;
            return System.Runtime.Loader.AssemblyLoadContext.Default.LoadFromAssemblyPath(path);
        }
    }

    public Task<Stream> InvokeAsync(Stream input) => (Task<Stream>)_method.Invoke(_instance, [input])!;
}
