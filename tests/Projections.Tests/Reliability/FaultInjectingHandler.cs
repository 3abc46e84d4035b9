using System.Net;
using System.Text;

namespace EventBot.Projections.Tests.Reliability;

/// <summary>
/// Sits between an AWS client and DynamoDB Local and misbehaves like a busy AWS endpoint: throttles, 5xx, and — the
/// nasty one — a 5xx *after* the request was applied, so the client retries something that already happened.
/// </summary>
public sealed class FaultInjectingHandler(HttpMessageHandler inner, int everyNth, Func<string, bool>? appliesTo = null) : DelegatingHandler(inner)
{
    private int _count;

    private int _throttled;
    private int _serverErrors;
    private int _lostResponses;

    public int Throttled => Volatile.Read(ref _throttled);

    public int ServerErrors => Volatile.Read(ref _serverErrors);

    public int LostResponses => Volatile.Read(ref _lostResponses);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var target = request.Headers.TryGetValues("X-Amz-Target", out var values) ? values.FirstOrDefault() ?? "" : "";
        if (appliesTo is not null && !appliesTo(target)) return await base.SendAsync(request, cancellationToken);
        var n = Interlocked.Increment(ref _count);
        if (n % everyNth != 0) return await base.SendAsync(request, cancellationToken);
        switch ((n / everyNth) % 3)
        {
            case 0:
                Interlocked.Increment(ref _throttled);
                var type = target.StartsWith("DynamoDBStreams", StringComparison.Ordinal) ? "LimitExceededException" : "ProvisionedThroughputExceededException";
                return Json(HttpStatusCode.BadRequest, $$"""{"__type":"com.amazonaws.dynamodb.v20120810#{{type}}","message":"injected throttle"}""");
            case 1:
                Interlocked.Increment(ref _serverErrors);
                return Json(HttpStatusCode.InternalServerError, """{"__type":"com.amazonaws.dynamodb.v20120810#InternalServerError","message":"injected 500"}""");
            default:
                // Applied, but the answer is lost: the client must not double what it retries.
                using (await base.SendAsync(request, cancellationToken)) { }
                Interlocked.Increment(ref _lostResponses);
                return Json(HttpStatusCode.InternalServerError, """{"__type":"com.amazonaws.dynamodb.v20120810#InternalServerError","message":"injected 500 after apply"}""");
        }
    }

    private static HttpResponseMessage Json(HttpStatusCode status, string body) =>
        new(status) { Content = new StringContent(body, Encoding.UTF8, "application/x-amz-json-1.0") };
}

/// <summary>Plugs <see cref="FaultInjectingHandler"/> into the AWS SDK's HTTP stack.</summary>
public sealed class FaultInjectingHttpClientFactory(FaultInjectingHandler handler) : Amazon.Runtime.HttpClientFactory
{
    public override HttpClient CreateHttpClient(Amazon.Runtime.IClientConfig clientConfig) => new(handler, disposeHandler: false);

    public override bool UseSDKHttpClientCaching(Amazon.Runtime.IClientConfig clientConfig) => false;

    public override bool DisposeHttpClientsAfterUse(Amazon.Runtime.IClientConfig clientConfig) => false;
}
