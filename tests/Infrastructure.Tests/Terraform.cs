using System.Text.Json;

namespace EventBot.Infrastructure.Tests;

/// <summary>
/// terraform/*.tf as JSON, through <c>node tools/hcl2json/convert.mjs terraform</c> (HashiCorp's HCL parser compiled
/// to wasm, so no Terraform binary is needed). Loaded once per test class; a parse error fails every test.
/// </summary>
public sealed class Terraform
{
    readonly Dictionary<string, JsonElement> _files;

    public Terraform()
    {
        var node = Tools.Require("node", "reading terraform/*.tf through tools/hcl2json");
        var package = Path.Combine(Tools.RepositoryRoot, "tools", "hcl2json", "node_modules", "@cdktf", "hcl2json");
        if (!Directory.Exists(package))
        {
            throw new InvalidOperationException($"{package} is missing: {Tools.InstallHint}.");
        }
        var result = Tools.RunAsync(node, ["tools/hcl2json/convert.mjs", "terraform"]).GetAwaiter().GetResult();
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"convert.mjs could not read terraform/*.tf:\n{result}");
        }
        using var document = JsonDocument.Parse(result.Stdout);
        _files = document.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.Ordinal);
    }

    public IReadOnlyCollection<string> Files => _files.Keys;

    /// <summary>The one <c>resource "type" "name"</c> block, from whichever file holds it.</summary>
    public JsonElement Resource(string type, string name) => Single("resource", type, name);

    /// <summary>The one <c>data "type" "name"</c> block.</summary>
    public JsonElement Data(string type, string name) => Single("data", type, name);

    public JsonElement Variable(string name) => Single("variable", name);

    public JsonElement Output(string name) => Single("output", name);

    public IEnumerable<string> Names(string kind) =>
        _files.Values.Where(f => f.TryGetProperty(kind, out _)).SelectMany(f => f.GetProperty(kind).EnumerateObject().Select(p => p.Name));

    public IEnumerable<string> Names(string kind, string type) =>
        _files.Values
            .Where(f => f.TryGetProperty(kind, out var k) && k.TryGetProperty(type, out _))
            .SelectMany(f => f.GetProperty(kind).GetProperty(type).EnumerateObject().Select(p => p.Name));

    /// <summary>The <c>terraform { }</c> block.</summary>
    public JsonElement Settings => _files.Values.Where(f => f.TryGetProperty("terraform", out _))
        .SelectMany(f => f.GetProperty("terraform").EnumerateArray()).Single();

    JsonElement Single(params string[] path)
    {
        var found = new List<JsonElement>();
        foreach (var file in _files.Values)
        {
            var at = file;
            var ok = true;
            foreach (var step in path)
            {
                if (!at.TryGetProperty(step, out at))
                {
                    ok = false;
                    break;
                }
            }
            if (ok) found.AddRange(at.EnumerateArray());
        }
        return found.Count == 1
            ? found[0]
            : throw new Xunit.Sdk.XunitException($"expected exactly one {string.Join(' ', path)} block in terraform/, found {found.Count}");
    }
}

/// <summary>Reading the JSON shape hcl2json gives: nested blocks are arrays, attributes are values.</summary>
public static class Hcl
{
    public static string Str(this JsonElement block, string attribute) =>
        block.TryGetProperty(attribute, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new Xunit.Sdk.XunitException($"attribute {attribute} is not a string in {block}");

    public static string? StrOrNull(this JsonElement block, string attribute) =>
        block.TryGetProperty(attribute, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static bool Bool(this JsonElement block, string attribute) =>
        block.TryGetProperty(attribute, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? value.GetBoolean()
            : throw new Xunit.Sdk.XunitException($"attribute {attribute} is not a boolean in {block}");

    public static IReadOnlyList<string> Strings(this JsonElement block, string attribute) =>
        block.TryGetProperty(attribute, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray().Select(v => v.GetString()!).ToList()
            : throw new Xunit.Sdk.XunitException($"attribute {attribute} is not a list in {block}");

    /// <summary>Every nested block of that name (none: empty).</summary>
    public static IReadOnlyList<JsonElement> Blocks(this JsonElement block, string name) =>
        block.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array ? value.EnumerateArray().ToList() : [];

    public static JsonElement Block(this JsonElement block, string name)
    {
        var blocks = block.Blocks(name);
        return blocks.Count == 1 ? blocks[0] : throw new Xunit.Sdk.XunitException($"expected one {name} block, found {blocks.Count} in {block}");
    }
}
