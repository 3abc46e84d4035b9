using EventBot.Projections.Feeds;
using EventBot.Projections.Feeds.Streams;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using EventBot.DynamoDbStreams;

namespace EventBot.Projections.Tests.Feeds.Streams;

public sealed class StreamsPollerRegistrationTests
{
    static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSingleton<IStreamBatchHandler, RecordingHandler>();
        builder.Services.AddSingleton<IShardCheckpointStore, InMemoryShardCheckpointStore>();
        builder.Services.AddDynamoDbStreamsPoller();
        return builder.Build();
    }

    [Fact]
    public void BindsOptionsFromConfiguration_AndRegistersTheHostedService()
    {
        using var host = Build(new()
        {
            ["Projections:StreamsPoller:TableName"] = "events",
            ["Projections:StreamsPoller:BatchLimit"] = "250",
            ["Projections:StreamsClient:ServiceUrl"] = "http://127.0.0.1:8000",
            ["Projections:StreamsClient:Region"] = "eu-west-1",
        });

        var options = host.Services.GetRequiredService<IOptions<StreamsPollerOptions>>().Value;
        var client = Assert.IsType<DynamoDbStreamsClient>(host.Services.GetRequiredService<IDynamoDbStreamsClient>());

        Assert.Equal(250, options.BatchLimit);
        Assert.Equal(TimeSpan.FromMilliseconds(250), options.PollInterval);
        Assert.Equal(new Uri("http://127.0.0.1:8000"), client.Endpoint);
        Assert.Equal("eu-west-1", client.Region);
        Assert.NotNull(host.Services.GetRequiredService<StreamsPoller>());
        Assert.Single(host.Services.GetServices<IHostedService>().OfType<StreamsPollerService>());
    }

    [Fact]
    public async Task InvalidOptions_StopTheHostAtStart()
    {
        using var host = Build(new() { ["Projections:StreamsPoller:BatchLimit"] = "5000", ["Projections:StreamsClient:Region"] = "eu-west-1" });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("BatchLimit must be 1–1000", error.Message, StringComparison.Ordinal);
        Assert.Contains("Set TableName", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_client_alone_binds_the_same_settings_without_a_poller_and_twice_binds_once()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Projections:StreamsPoller:TableName"] = "events",
            ["Projections:StreamsClient:ServiceUrl"] = "http://127.0.0.1:8000",
            ["Projections:StreamsClient:Region"] = "eu-west-1",
        });
        builder.Services.AddDynamoDbStreamsClient();
        builder.Services.AddDynamoDbStreamsClient();
        using var host = builder.Build();

        Assert.Equal("events", host.Services.GetRequiredService<IOptions<StreamsPollerOptions>>().Value.TableName);
        Assert.Equal(new Uri("http://127.0.0.1:8000"), Assert.IsType<DynamoDbStreamsClient>(host.Services.GetRequiredService<IDynamoDbStreamsClient>()).Endpoint);
        Assert.Single(builder.Services, d => d.ServiceType == typeof(IDynamoDbStreamsClient));
        Assert.Empty(host.Services.GetServices<IHostedService>().OfType<StreamsPollerService>());
    }
}
