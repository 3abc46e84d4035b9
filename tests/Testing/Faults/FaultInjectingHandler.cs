namespace EventBot.Testing.Faults;

/// <summary>
/// The fault injector inside an AWS SDK client of this process (see <see cref="FaultInjectingHttpClientFactory"/>),
/// between it and DynamoDB Local.
/// </summary>
public sealed class FaultInjectingHandler(FaultInjector injector, HttpMessageHandler? inner = null) : DelegatingHandler(inner ?? new HttpClientHandler())
{
    public FaultInjector Injector => injector;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var target = request.Headers.TryGetValues("X-Amz-Target", out var values) ? values.FirstOrDefault() ?? "" : "";
        var kind = injector.Decide(target);
        switch (kind)
        {
            case FaultKind.None:
                return await base.SendAsync(request, cancellationToken);
            case FaultKind.Slow:
                await Task.Delay(injector.Plan.SlowDelay, cancellationToken);
                return await base.SendAsync(request, cancellationToken);
            case FaultKind.Drop:
                throw new HttpRequestException("injected: connection dropped", new IOException("connection reset by peer"));
            case FaultKind.LostResponse:
                using (await base.SendAsync(request, cancellationToken)) { }
                var (lostStatus, lostBody) = injector.Answer(kind, target, "");
                return FaultInjector.Response(lostStatus, lostBody);
            default:
                var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
                var (status, json) = injector.Answer(kind, target, body);
                return FaultInjector.Response(status, json);
        }
    }
}

/// <summary>Plugs a <see cref="FaultInjectingHandler"/> into the AWS SDK's HTTP stack.</summary>
public sealed class FaultInjectingHttpClientFactory(HttpMessageHandler handler) : Amazon.Runtime.HttpClientFactory
{
    public override HttpClient CreateHttpClient(Amazon.Runtime.IClientConfig clientConfig) => new(handler, disposeHandler: false);

    public override bool UseSDKHttpClientCaching(Amazon.Runtime.IClientConfig clientConfig) => false;

    public override bool DisposeHttpClientsAfterUse(Amazon.Runtime.IClientConfig clientConfig) => false;
}
