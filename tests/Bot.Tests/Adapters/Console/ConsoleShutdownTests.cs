using EventBot.Bot.Adapters.Console;
using EventBot.Bot.Hosting;
using EventBot.Discord.Tests.Fake;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace EventBot.Bot.Tests.Adapters.Console;

/// <summary>Ctrl-C and SIGTERM on the console: the command in hand is answered, and a terminal's blocked read is not waited for.</summary>
public sealed class ConsoleShutdownTests : IDisposable
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "eventbot-tests", Guid.NewGuid().ToString("N"));

    private IHost Build(Stream input, StringWriter output)
    {
        var builder = BotHost.CreateBuilder(new Dictionary<string, string?> { ["EVENTBOT_DATA_DIR"] = _dataDir });
        builder.Services.AddConsoleChat(new ConsoleStreams(input, output, TextWriter.Null, interactive: true));
        return builder.Build();
    }

    [Fact]
    public async Task Stopping_an_interactive_console_waiting_on_stdin_takes_well_under_the_hosts_timeout()
    {
        var output = new StringWriter();
        var input = new TerminalInput();
        using var host = Build(input, output);
        await host.StartAsync();
        input.Send(".remember k is v\n");
        await Wait.UntilAsync(() => output.ToString().Contains("Remembered", StringComparison.Ordinal), TimeSpan.FromSeconds(60), "the reply");
        await Wait.UntilAsync(() => input.Reads == 2, TimeSpan.FromSeconds(60), "the next read of stdin");

        var stopping = System.Diagnostics.Stopwatch.StartNew();
        await host.StopAsync(); // Ctrl-C and SIGTERM both end here

        // Before the fix this took the host's whole shutdown timeout (30 s); a generous bound still tells the two apart.
        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(10), $"stopping took {stopping.Elapsed}");
        Assert.Equal("Remembered `k`: v\n", output.ToString().ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task A_command_read_just_before_the_stop_is_still_answered()
    {
        var output = new StringWriter();
        var input = new TerminalInput();
        using var host = Build(input, output);
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        // The stop arrives in the same instant the line is read: the command is in hand, and must finish.
        input.OnRead = lifetime.StopApplication;
        input.Send(".remember late is answered\n");

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await host.RunAsync(timeout.Token);

        Assert.False(timeout.IsCancellationRequested);
        Assert.Equal("Remembered `late`: answered\n", output.ToString().ReplaceLineEndings("\n"));
    }

    [Theory]
    [InlineData("EVENTBOT_SHUTDOWN_SECONDS", "0", "ShutdownSeconds")]
    [InlineData("EVENTBOT_SHUTDOWN_SECONDS", "601", "ShutdownSeconds")]
    [InlineData("EVENTBOT_RATE_LIMIT_BURST", "0", "RateLimitBurst")]
    [InlineData("EVENTBOT_RATE_LIMIT_PER_MINUTE", "-1", "RateLimitPerMinute")]
    [InlineData("EVENTBOT_PARALLEL_GUILDS", "65", "ParallelGuilds")]
    public void Shutdown_and_rate_settings_are_validated_at_start_not_while_building(string variable, string value, string member)
    {
        var builder = BotHost.CreateBuilder(new Dictionary<string, string?> { ["EVENTBOT_DATA_DIR"] = _dataDir, [variable] = value });
        using var host = builder.Build();

        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(
            () => host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<BotOptions>>().Value);
        Assert.Contains(member, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_hosts_shutdown_timeout_leaves_room_for_the_drain()
    {
        var builder = BotHost.CreateBuilder(new Dictionary<string, string?> { ["EVENTBOT_DATA_DIR"] = _dataDir, ["EVENTBOT_SHUTDOWN_SECONDS"] = "45" });
        using var host = builder.Build();

        Assert.Equal(TimeSpan.FromSeconds(55), host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<HostOptions>>().Value.ShutdownTimeout);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dataDir, recursive: true); } catch (IOException) { }
    }

    /// <summary>Like a terminal's stdin: a read blocks until a line is typed and ignores its cancellation token.</summary>
    private sealed class TerminalInput : Stream
    {
        private readonly System.Threading.Channels.Channel<byte[]> _lines = System.Threading.Channels.Channel.CreateUnbounded<byte[]>();
        private int _reads;

        public Action? OnRead { get; set; }

        public int Reads => Volatile.Read(ref _reads);

        public void Send(string line) => _lines.Writer.TryWrite(System.Text.Encoding.UTF8.GetBytes(line));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _reads);
            var line = await _lines.Reader.ReadAsync(CancellationToken.None); // the token is ignored, as by a console stream
            line.CopyTo(buffer);
            OnRead?.Invoke();
            return line.Length;
        }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() { }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
