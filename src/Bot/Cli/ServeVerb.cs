using System.CommandLine;
using EventBot.Bot.Adapters.Http;
using EventBot.Bot.Hosting;
using EventBot.Discord;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace EventBot.Bot.Cli;

/// <summary>
/// <c>serve</c>: the bot as Discord's Interactions Endpoint URL. Kestrel on <c>EVENTBOT_HTTP_PORT</c> (default 8080)
/// serves <c>POST /interactions</c> beside <c>/healthz</c>, <c>/readyz</c> and <c>/metrics</c>, with the bot's own
/// composition (store, projector, read-your-writes, pipeline); no gateway connection. Requests are verified with
/// <c>DISCORD_PUBLIC_KEY</c>; deferred answers finish in this process and edit <c>@original</c>.
/// </summary>
public static class ServeVerb
{
    public const int DefaultPort = 8080;

    public static Command Create()
    {
        var serve = new Command("serve", $"Serve Discord interactions over HTTP (POST {HttpInteractionsRegistration.Route}) on EVENTBOT_HTTP_PORT (default {DefaultPort}), verified with DISCORD_PUBLIC_KEY.");
        serve.SetAction((_, ct) => Cli.GuardAsync(async () =>
        {
            using var host = CreateBuilder().Build();
            HttpInteractionsRegistration.WarnIfNoKey(host.Services);
            var exit = host.Services.GetRequiredService<BotExit>();
            await host.RunAsync(ct);
            return exit.Code;
        }));
        return serve;
    }

    /// <param name="environment">EVENTBOT_*/DISCORD_* variables instead of the process's (tests).</param>
    public static HostApplicationBuilder CreateBuilder(IDictionary<string, string?>? environment = null)
    {
        var builder = BotHost.CreateBuilder(environment);
        var port = $"{EventBotEnvironment.Section}:{nameof(BotOptions.HttpPort)}";
        if (string.IsNullOrEmpty(builder.Configuration[port]))
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [port] = DefaultPort.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        builder.Services.AddHttpInteractions(builder.Configuration);
        // Deferred replies edit @original through Discord's REST client (the bot token, as for `commands sync`).
        if (BotHost.UsesDiscord(builder.Configuration)) builder.Services.AddDiscordClient(builder.Configuration);
        return builder;
    }
}
