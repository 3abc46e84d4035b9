using System.Net.Http.Headers;
using EventBot.Bot.Cli;
using EventBot.Bot.Hosting;
using EventBot.Bot.Interactions;
using EventBot.Discord.Interactions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace EventBot.Bot.Tests.Adapters.Http;

/// <summary>The <c>serve</c> verb's host on real Kestrel (an ephemeral port) and real SQLite, signed by a test key.</summary>
public sealed class ServeHost : IAsyncDisposable
{
    readonly string _dir;

    ServeHost(IHost host, DiscordSigner signer, RecordingDiscordInteractions discord, string dir)
    {
        _dir = dir;
        Host = host;
        Signer = signer;
        Discord = discord;
        var address = Assert.Single(host.Services.GetRequiredService<HttpEndpointsService>().Addresses);
        Http = new HttpClient { BaseAddress = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal)) };
    }

    public IHost Host { get; }

    public DiscordSigner Signer { get; }

    public RecordingDiscordInteractions Discord { get; }

    public HttpClient Http { get; }

    /// <param name="handler">The slash-command handler; null: the bot's own.</param>
    public static async Task<ServeHost> StartAsync(IInteractionHandler? handler = null, IDictionary<string, string?>? extra = null, Action<IServiceCollection>? configure = null)
    {
        var signer = new DiscordSigner();
        var discord = new RecordingDiscordInteractions();
        var dir = Path.Combine(Path.GetTempPath(), "eventbot-tests", "serve-" + Guid.NewGuid().ToString("N"));
        var environment = new Dictionary<string, string?>
        {
            ["EVENTBOT_DATA_DIR"] = dir,
            ["EVENTBOT_HTTP_PORT"] = "0",
            ["DISCORD_PUBLIC_KEY"] = signer.PublicKeyHex,
        };
        foreach (var (k, v) in extra ?? new Dictionary<string, string?>()) environment[k] = v;
        var builder = ServeVerb.CreateBuilder(environment);
        builder.Services.AddSingleton<IDiscordInteractions>(discord);
        if (handler is not null) builder.Services.AddSingleton(handler);
        configure?.Invoke(builder.Services);
        var host = builder.Build();
        await host.StartAsync();
        return new ServeHost(host, signer, discord, dir);
    }

    public Task<HttpResponseMessage> PostAsync(byte[] body, DateTimeOffset? at = null, Action<HttpRequestHeaders>? headers = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/interactions") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        foreach (var (name, value) in Signer.Headers(body, at ?? DateTimeOffset.UtcNow)) request.Headers.Add(name, value);
        headers?.Invoke(request.Headers);
        return Http.SendAsync(request);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Host.StopAsync();
        Host.Dispose();
        Signer.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
