using System.Globalization;
using System.Text;
using IngestLayer.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Net.Http.Headers;

namespace IngestLayer.WebhookTests;

/// <summary>The sender, registered as <c>AddWebhookSender</c> does, against a receiver that verifies what it gets.</summary>
public sealed class WebhookSenderTests : IAsyncLifetime
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"type":"alert.raised","data":{"account_id":"acme","note":"Zoë ✓"}}""");

    // A fixed, whole-second clock shared by sender and receiver: timestamps and Retry-After dates come out exact.
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
    private readonly StandardWebhookSecret _secret = StandardWebhookSecret.Generate();
    private WebhookReceiver _receiver = null!;
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        _receiver = await WebhookReceiver.StartAsync(new StandardWebhookVerifier(_secret), _time.GetUtcNow);
        _services = TestServices.Build(_time);
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    [Fact]
    public async Task a_webhook_is_posted_as_json_with_the_three_headers_and_the_receiver_verifies_it()
    {
        var id = WebhookMessageId.New();

        var result = await Send(Request(id: id));

        Assert.Equal(new WebhookDeliveryResult.Delivered(200), result);
        var received = Assert.Single(_receiver.Received);
        Assert.Equal("POST", received.Method);
        Assert.Equal("/hooks/acme", received.Path);
        Assert.Equal("application/json", received.ContentType);
        Assert.Equal("IngestLayer-Webhooks/1.0", received.UserAgent);
        Assert.Equal(id, received.Id);
        Assert.Equal(_time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), received.Timestamp);
        Assert.Equal(Body, received.Body);
        Assert.Equal(new WebhookVerification(WebhookVerificationStatus.Verified, id, _time.GetUtcNow()), received.Verification);
    }

    [Fact]
    public async Task each_attempt_keeps_the_id_and_is_signed_with_its_own_time()
    {
        var request = Request();

        await Send(request);
        _time.Advance(TimeSpan.FromMinutes(5));
        await Send(request);

        var attempts = _receiver.Received;
        Assert.Equal([request.MessageId, request.MessageId], attempts.Select(a => a.Id));
        Assert.Equal(300, long.Parse(attempts[1].Timestamp!, CultureInfo.InvariantCulture) - long.Parse(attempts[0].Timestamp!, CultureInfo.InvariantCulture));
        Assert.NotEqual(attempts[0].Signature, attempts[1].Signature);
        Assert.All(attempts, a => Assert.True(a.Verification.IsVerified));
    }

    [Fact]
    public async Task during_a_rotation_a_receiver_still_holding_the_previous_secret_verifies_the_webhook()
    {
        var request = Request(secret: StandardWebhookSecret.Generate()) with { PreviousSecret = _secret };

        var result = await Send(request);

        Assert.Equal(new WebhookDeliveryResult.Delivered(200), result);
        var received = Assert.Single(_receiver.Received);
        Assert.Equal(2, received.Signature!.Split(' ').Length);
        Assert.True(received.Verification.IsVerified);
    }

    [Fact]
    public async Task a_receiver_with_another_secret_refuses_the_webhook_and_that_is_a_permanent_401()
    {
        var result = await Send(Request(secret: StandardWebhookSecret.Generate()));

        Assert.Equal(new WebhookDeliveryResult.Failed("HTTP 401.", 401), result);
        Assert.Equal(WebhookVerificationStatus.NoMatchingSignature, Assert.Single(_receiver.Received).Verification.Status);
    }

    [Theory]
    [InlineData(200)]
    [InlineData(202)]
    [InlineData(204)]
    public async Task any_2xx_is_delivered(int status)
    {
        _receiver.RespondNext(status);

        Assert.Equal(new WebhookDeliveryResult.Delivered(status), await Send(Request()));
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    [InlineData(408)]
    public async Task a_5xx_or_408_is_retried_later_on_the_outboxs_schedule(int status)
    {
        _receiver.RespondNext(status);

        var result = await Send(Request());

        Assert.Equal(new WebhookDeliveryResult.RetryLater($"HTTP {status}.", status), result);
        Assert.Single(_receiver.Received);
    }

    [Fact]
    public async Task a_429_with_retry_after_in_seconds_is_retried_no_sooner_than_asked()
    {
        _receiver.RespondNext(429, h => h.RetryAfter = "30");

        var result = await Send(Request());

        Assert.Equal(new WebhookDeliveryResult.RetryLater("HTTP 429.", 429, TimeSpan.FromSeconds(30)), result);
        Assert.Single(_receiver.Received);
    }

    [Fact]
    public async Task a_retry_after_http_date_is_read_against_the_clock()
    {
        var at = _time.GetUtcNow().AddMinutes(2);
        _receiver.RespondNext(429, h => h.RetryAfter = HeaderUtilities.FormatDate(at));

        var result = await Send(Request());

        Assert.Equal(new WebhookDeliveryResult.RetryLater("HTTP 429.", 429, TimeSpan.FromMinutes(2)), result);
    }

    [Fact]
    public async Task a_retry_after_date_in_the_past_means_now_and_one_of_days_is_cut_to_a_day()
    {
        _receiver.RespondNext(503, h => h.RetryAfter = HeaderUtilities.FormatDate(_time.GetUtcNow().AddMinutes(-1)));
        _receiver.RespondNext(503, h => h.RetryAfter = "259200");

        Assert.Equal(new WebhookDeliveryResult.RetryLater("HTTP 503.", 503, TimeSpan.Zero), await Send(Request()));
        Assert.Equal(new WebhookDeliveryResult.RetryLater("HTTP 503.", 503, TimeSpan.FromHours(24)), await Send(Request()));
    }

    [Fact]
    public async Task a_429_without_retry_after_leaves_the_delay_to_the_schedule()
    {
        _receiver.RespondNext(429);

        Assert.Equal(new WebhookDeliveryResult.RetryLater("HTTP 429.", 429), await Send(Request()));
    }

    [Fact]
    public async Task a_410_gone_is_a_permanent_failure_that_asks_to_disable_the_endpoint()
    {
        _receiver.RespondNext(410);

        var result = await Send(Request());

        Assert.Equal(
            new WebhookDeliveryResult.Failed("HTTP 410 Gone: the receiver asks for no more webhooks; disable the endpoint.", 410, DisableEndpoint: true),
            result);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(403)]
    [InlineData(404)]
    [InlineData(413)]
    [InlineData(422)]
    public async Task another_4xx_is_a_permanent_failure(int status)
    {
        _receiver.RespondNext(status);

        Assert.Equal(new WebhookDeliveryResult.Failed($"HTTP {status}.", status), await Send(Request()));
    }

    [Theory]
    [InlineData(301)]
    [InlineData(302)]
    [InlineData(307)]
    [InlineData(308)]
    public async Task a_redirect_is_not_followed_and_is_a_permanent_failure(int status)
    {
        _receiver.RespondNext(status, h => h.Location = _receiver.BaseUrl + "/elsewhere");

        var result = await Send(Request());

        Assert.Equal(
            new WebhookDeliveryResult.Failed($"HTTP {status}: redirects are not followed; set the endpoint's URL to where it redirects.", status),
            result);
        Assert.Equal(["/hooks/acme"], _receiver.Received.Select(r => r.Path));
    }

    [Fact]
    public async Task an_attempt_without_an_answer_times_out_after_the_configured_timeout_and_is_retried_later()
    {
        _receiver.HangNext();

        var sending = Send(Request());
        await _receiver.Hanging.WaitAsync(TimeSpan.FromSeconds(10));
        _time.Advance(TimeSpan.FromSeconds(9));
        await Task.Delay(50);
        Assert.False(sending.IsCompleted, "The attempt ended before its 10 s timeout.");
        _time.Advance(TimeSpan.FromSeconds(1));
        var result = await sending.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(new WebhookDeliveryResult.RetryLater("Timed out after 10 s waiting for the response."), result);
    }

    [Fact]
    public async Task the_callers_cancellation_is_not_a_timeout_but_cancels()
    {
        _receiver.HangNext();
        using var cancel = new CancellationTokenSource();

        var sending = Sender().SendAsync(Request(), cancel.Token);
        await _receiver.Hanging.WaitAsync(TimeSpan.FromSeconds(10));
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sending.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task a_refused_connection_is_retried_later()
    {
        // Take a free port and release it, so nothing listens there.
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var result = await Send(Request() with { Url = $"http://127.0.0.1:{port}/hooks" });

        Assert.Equal(new WebhookDeliveryResult.RetryLater("Network error (ConnectionError)."), result);
    }

    [Theory]
    [InlineData("ftp://127.0.0.1/hooks")]
    [InlineData("file:///etc/passwd")]
    [InlineData("/hooks/acme")]
    [InlineData("not a url")]
    [InlineData("")]
    [InlineData("http://user:s3cr3t@127.0.0.1/hooks")]
    public async Task a_url_that_is_not_absolute_http_without_credentials_is_refused_unsent(string url)
    {
        var result = await Send(Request() with { Url = url });

        Assert.Equal(
            new WebhookDeliveryResult.Failed("Invalid URL: the destination must be an absolute http or https URL without credentials."),
            result);
        Assert.Empty(_receiver.Received);
    }

    [Fact]
    public async Task no_outcome_names_the_secret_the_url_or_the_body_and_neither_does_the_request()
    {
        var request = Request() with { Url = _receiver.BaseUrl + "/hooks/acme?token=tok_s3cr3t" };
        _receiver.RespondNext(500);
        _receiver.RespondNext(429, h => h.RetryAfter = "5");
        _receiver.RespondNext(404);
        _receiver.RespondNext(410);
        _receiver.HangNext();

        var outcomes = new List<WebhookDeliveryResult>();
        for (var i = 0; i < 5; i++)
        {
            var sending = Send(request);
            if (i == 4)
            {
                await _receiver.Hanging.WaitAsync(TimeSpan.FromSeconds(10));
                _time.Advance(TimeSpan.FromSeconds(10));
            }

            outcomes.Add(await sending.WaitAsync(TimeSpan.FromSeconds(10)));
        }

        outcomes.Add(await Send(request with { Url = "ftp://example.com/?token=tok_s3cr3t" }));
        var printed = string.Join("\n", outcomes.Select(o => o.ToString()).Append(request.ToString()));
        Assert.Equal(5, _receiver.Received.Count);
        Assert.DoesNotContain(_secret.Reveal()["whsec_".Length..], printed, StringComparison.Ordinal);
        Assert.DoesNotContain("tok_s3cr3t", printed, StringComparison.Ordinal);
        Assert.DoesNotContain("Zo", printed, StringComparison.Ordinal);
        Assert.Contains($"MessageId = {request.MessageId}, Host = 127.0.0.1, Body = {Body.Length} bytes", printed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_cookie_set_by_one_receiver_is_not_sent_back()
    {
        _receiver.RespondNext(200, h => h.SetCookie = "session=abc; Path=/");

        await Send(Request());
        await Send(Request());

        Assert.Equal([null, null], _receiver.Received.Select(r => r.Cookie));
    }

    [Fact]
    public async Task the_user_agent_and_timeout_come_from_configuration()
    {
        await using var services = TestServices.Build(_time, new() { ["Webhooks:UserAgent"] = "Acme-Hooks/2.0 (+https://acme.example)", ["Webhooks:Timeout"] = "00:00:03" });
        _receiver.RespondNext(200);
        _receiver.HangNext();

        await services.GetRequiredService<WebhookSender>().SendAsync(Request(), CancellationToken.None);
        var sending = services.GetRequiredService<WebhookSender>().SendAsync(Request(), CancellationToken.None);
        await _receiver.Hanging.WaitAsync(TimeSpan.FromSeconds(10));
        _time.Advance(TimeSpan.FromSeconds(3));

        Assert.Equal("Acme-Hooks/2.0 (+https://acme.example)", _receiver.Received[0].UserAgent);
        Assert.Equal(new WebhookDeliveryResult.RetryLater("Timed out after 3 s waiting for the response."), await sending.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task a_standard_resilience_handler_added_to_every_client_does_not_retry_inside_the_call()
    {
        await using var services = TestServices.Build(_time, configure: s => s.ConfigureHttpClientDefaults(http => http.AddStandardResilienceHandler()));
        _receiver.RespondNext(503);
        _receiver.RespondNext(503);

        var result = await services.GetRequiredService<WebhookSender>().SendAsync(Request(), CancellationToken.None);

        Assert.Equal(new WebhookDeliveryResult.RetryLater("HTTP 503.", 503), result);
        Assert.Single(_receiver.Received);
    }

    private WebhookRequest Request(string? id = null, StandardWebhookSecret? secret = null) =>
        new(_receiver.BaseUrl + "/hooks/acme", id ?? WebhookMessageId.New(), Body, secret ?? _secret);

    private WebhookSender Sender() => _services.GetRequiredService<WebhookSender>();

    private Task<WebhookDeliveryResult> Send(WebhookRequest request) => Sender().SendAsync(request, CancellationToken.None);
}
