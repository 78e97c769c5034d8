using System.Text;

namespace IngestLayer.Testing;

/// <summary>The two webhook signature schemes' published test vectors, as their reference libraries' own tests use them.</summary>
public static class WebhookTestVectors
{
    // standard-webhooks/standard-webhooks, libraries/*/ (e.g. csharp/StandardWebhooks.Tests/WebhookTest.cs,
    // javascript/src/webhook.test.ts: "sign function works"). Note the message id's "M9L": a copy with "M2L" circulates
    // and signs to something else.
    public const string StandardSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    public const string StandardMessageId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    public const long StandardTimestamp = 1614265330;
    public const string StandardPayload = "{\"test\": 2432232314}";
    public const string StandardSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    // stripe/stripe-dotnet, src/StripeTests/Services/Events/EventUtilityTest.cs and Resources/event_test_signature.json
    // (LF line endings, with the file's final newline). The secret is used as raw UTF-8, as for a real whsec_ secret.
    public const string StripeSecret = "webhook_secret";
    public const long StripeTimestamp = 1533204620;
    public const string StripeHeader =
        "t=1533204620,v1=2220f87ef101a04665f11cdf770523143f875572008577fa0f20882ddb9cc3c7,v0=63f3a72374a733066c4be69ed7f8e5ac85c22c9f0a6a612ab9a025a9e4ee7eef";
    // Line endings pinned: a checkout with CRLF would otherwise change the signed bytes.
    public static byte[] StripeBody => Encoding.UTF8.GetBytes(StripePayload.ReplaceLineEndings("\n"));

    public static byte[] StandardBody => Encoding.UTF8.GetBytes(StandardPayload);

    public static DateTimeOffset StandardSentAt => DateTimeOffset.FromUnixTimeSeconds(StandardTimestamp);

    public static DateTimeOffset StripeSentAt => DateTimeOffset.FromUnixTimeSeconds(StripeTimestamp);

    private const string StripePayload = """
        {
          "id": "evt_123",
          "object": "event",
          "account": "acct_123",
          "api_version": "2017-05-25",
          "created": 1533204620,
          "data": {
            "object": {
              "id": "cus_123",
              "object": "customer",
              "created": 123456789,
              "email": "test@stripe.com",
              "livemode": false,
              "metadata": {}
            }
          },
          "livemode": false,
          "pending_webhooks": 1,
          "request": {
            "id": "req_123",
            "idempotency_key": "idempotency-key-123"
          },
          "type": "customer.created"
        }

        """;
}
